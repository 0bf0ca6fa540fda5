import { EMAIL_MAX_CHARS } from './reauth-draft';

/**
 * The one rule for what counts as a customer's email address, used wherever an address enters relink:
 * a platform's webhook or API (ingest) and the reauth form (src/slack/metadata.ts). Ingest and the form
 * must agree, or an address relink stored could be refused when someone tries to send to it.
 */
// The same pattern as zod's `z.email()` (zod 4, "practical email validation"), which the reauth form
// used before this rule moved here: letters, digits and _'+- in dot-separated local parts, a dotted
// domain of letters, digits and hyphens, and a TLD of two or more letters. None of Slack's control
// characters (& < >) or spaces can get through it.
const EMAIL_PATTERN =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** True for an address relink can send to, exactly as given (no trimming). */
export const isValidEmail = (value: string): boolean =>
  value.length <= EMAIL_MAX_CHARS && EMAIL_PATTERN.test(value);

/**
 * A platform's email field as relink keeps it: trimmed, or null when it is missing or not a valid
 * address. Null means "no valid email on file": the notice says so and the form asks for one.
 */
export function validEmailOrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed && isValidEmail(trimmed) ? trimmed : null;
}
