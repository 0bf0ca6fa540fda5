/**
 * Masks a customer's email for logs and Slack notices: `jane@example.com` → `j***@example.com`.
 * Anything that is not an email is masked whole, so a mistaken field never leaks.
 */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 1 || at === value.length - 1) return '***';
  return `${value[0]}***${value.slice(at)}`;
}
