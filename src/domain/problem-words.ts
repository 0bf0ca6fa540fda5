import type { AuthorizationState, BadLoginReason } from './authorization';

/**
 * Plain words for what is wrong with an authorization, shared by the Slack notice and the email.
 * The wording follows the platform's own help page ("Username and password didn't work",
 * "This authorization expired 3 months ago") so teams moving from the dashboard read the same phrases.
 */
export interface ProblemFacts {
  state: AuthorizationState;
  reason: BadLoginReason | null;
  expiresAt: Date | null;
  declinedAt: Date | null;
  revokedAt: Date | null;
}

/** The facts of a problem, picked from anything that carries them (a stored authorization, a status). */
export const problemFactsOf = (source: {
  state: AuthorizationState;
  reason?: BadLoginReason | null;
  expiresAt?: Date | null;
  declinedAt?: Date | null;
  revokedAt?: Date | null;
}): ProblemFacts => ({
  state: source.state,
  reason: source.reason ?? null,
  expiresAt: source.expiresAt ?? null,
  declinedAt: source.declinedAt ?? null,
  revokedAt: source.revokedAt ?? null,
});

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** The headline of a notice: one short sentence, no trailing period. */
export function describeProblem(facts: ProblemFacts, now: Date): string {
  switch (facts.state) {
    case 'bad_login':
      // UtilityAPI's plain `access_invalid` arrives without a finer reason: it is a wrong password.
      return reasonWords(facts.reason ?? 'invalid_credentials');
    case 'expired':
      return facts.expiresAt
        ? `This authorization expired ${timeAgo(facts.expiresAt, now)}`
        : 'This authorization expired';
    case 'declined':
      return withDay('Declined by the customer', facts.declinedAt);
    case 'revoked':
      return withDay('Access revoked by the customer', facts.revokedAt);
    case 'provider_issue':
      return "The utility's website is not responding; the platform is retrying";
    case 'active':
      return facts.expiresAt && facts.expiresAt.getTime() > now.getTime()
        ? `Authorized; expires ${timeUntil(facts.expiresAt, now)}`
        : 'Authorized';
    case 'pending':
      return 'Waiting for the customer to finish the authorization form';
  }
}

/** Why a login failed, in the customer's terms. */
export function reasonWords(reason: BadLoginReason): string {
  switch (reason) {
    case 'invalid_credentials':
      return "Username and password didn't work";
    case 'locked':
      return 'Account locked after too many attempts';
    case 'mfa_required':
      return 'The utility asks for a one-time code';
  }
}

/** "just now", "5 minutes ago", "1 day ago", "3 months ago", "2 years ago". A future time is "just now". */
export function timeAgo(then: Date, now: Date): string {
  const span = describeSpan(now.getTime() - then.getTime());
  return span ? `${span} ago` : 'just now';
}

/** "in 5 minutes", "in 1 day", "in 2 months". A time already reached (or under a minute away) is "now". */
export function timeUntil(then: Date, now: Date): string {
  const span = describeSpan(then.getTime() - now.getTime());
  return span ? `in ${span}` : 'now';
}

/** "12 Mar 2026", in UTC so the same instant reads the same in Slack and in email. */
export function formatDay(date: Date): string {
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

function withDay(words: string, day: Date | null): string {
  return day ? `${words} on ${formatDay(day)}` : words;
}

/**
 * A duration in the largest whole unit, or null under one minute. Months are 30-day blocks and stop at
 * 12 (364 days is "12 months"), so the reading never jumps backwards before a full year.
 */
function describeSpan(ms: number): string | null {
  if (ms < MINUTE_MS) return null;
  if (ms < HOUR_MS) return count(Math.floor(ms / MINUTE_MS), 'minute');
  if (ms < DAY_MS) return count(Math.floor(ms / HOUR_MS), 'hour');
  const days = Math.floor(ms / DAY_MS);
  if (days < 30) return count(days, 'day');
  if (days < 365) return count(Math.max(1, Math.floor(days / 30)), 'month');
  return count(Math.floor(days / 365), 'year');
}

function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
