/**
 * What an admin may enter in relink's Settings (DESIGN.md, "Workspace"), checked the same way however
 * it arrives: the modal's own limits are only a convenience, a forged submission is checked here too.
 */

/** The cooldown's bounds, in hours: the same as REAUTH_COOLDOWN_HOURS accepts (src/config.ts). */
export const COOLDOWN_HOURS_MIN = 0;
export const COOLDOWN_HOURS_MAX = 24 * 30;

/** Expiry warnings more than a year ahead warn about nothing anyone acts on yet. */
export const EXPIRY_WARNING_DAY_MAX = 365;
/** Each threshold posts one warning per authorization: a handful is plenty. */
export const EXPIRY_WARNING_DAYS_MAX_COUNT = 5;

export type CooldownProblem = 'not_whole' | 'negative' | 'too_large';

/** The cooldown an admin typed (Slack's number_input sends text), or why it cannot be used. */
export function parseCooldownHours(
  text: string,
): { ok: true; hours: number } | { ok: false; problem: CooldownProblem } {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) return { ok: false, problem: 'not_whole' };
  const hours = Number(trimmed);
  if (hours < COOLDOWN_HOURS_MIN) return { ok: false, problem: 'negative' };
  if (hours > COOLDOWN_HOURS_MAX) return { ok: false, problem: 'too_large' };
  return { ok: true, hours };
}

export type ExpiryDaysProblem = 'not_a_list' | 'out_of_range' | 'too_many';

/**
 * `30,7,1` → [30, 7, 1]: whole days from 1 to a year, comma-separated, repeats dropped, largest first
 * (the order the warnings fire in).
 */
export function parseExpiryWarningDays(
  text: string,
): { ok: true; days: number[] } | { ok: false; problem: ExpiryDaysProblem } {
  if (!/^\s*\d+(\s*,\s*\d+)*\s*,?\s*$/.test(text)) return { ok: false, problem: 'not_a_list' };
  const days = [
    ...new Set(
      text
        .split(',')
        .map((d) => d.trim())
        .filter((d) => d !== '')
        .map(Number),
    ),
  ].sort((a, b) => b - a);
  if (days.some((d) => d < 1 || d > EXPIRY_WARNING_DAY_MAX)) return { ok: false, problem: 'out_of_range' };
  if (days.length > EXPIRY_WARNING_DAYS_MAX_COUNT) return { ok: false, problem: 'too_many' };
  return { ok: true, days };
}

/** [30, 7, 1] → `30,7,1`, as the Settings field shows it. */
export const formatExpiryWarningDays = (days: readonly number[]): string => days.join(',');
