/**
 * Masks a customer's email for logs and Slack: `jane@example.com` → `j***@e***.com`. Only the first
 * letter of each side and the top-level domain stay, enough to tell customers apart, not to write to
 * them. Anything that is not an email is masked whole, so a mistaken field never leaks.
 *
 * The output holds only letters, digits, `*`, `@` and `.`: a character that is not a letter or digit
 * is masked too, so customer-written markup cannot survive masking (Slack builders still escape it).
 */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 1 || at === value.length - 1) return '***';
  const domain = value.slice(at + 1);
  return `${firstLetter(value)}***@${firstLetter(domain)}***${topLevelDomain(domain)}`;
}

function firstLetter(value: string): string {
  const first = String.fromCodePoint(value.codePointAt(0) ?? 0x2a);
  return /^[\p{L}\p{N}]$/u.test(first) ? first : '*';
}

// `.com`, `.uk`, `.xn--p1ai`; anything longer or stranger is not a TLD and is masked.
function topLevelDomain(domain: string): string {
  const tld = /\.([A-Za-z0-9-]{2,63})$/.exec(domain)?.[1];
  return tld && domain.length > tld.length + 1 ? `.${tld}` : '';
}
