import type { ProblemFacts } from '../../src/domain/problem-words';
import { describeProblem, formatDay, reasonWords, timeAgo, timeUntil } from '../../src/domain/problem-words';

const now = new Date('2026-06-15T12:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(now.getTime() - ms);
const ahead = (ms: number) => new Date(now.getTime() + ms);

const facts = (overrides: Partial<ProblemFacts>): ProblemFacts => ({
  state: 'active',
  reason: null,
  expiresAt: null,
  declinedAt: null,
  revokedAt: null,
  ...overrides,
});

describe('describeProblem', () => {
  it.each<[string, Partial<ProblemFacts>, string]>([
    [
      'a wrong password',
      { state: 'bad_login', reason: 'invalid_credentials' },
      "Username and password didn't work",
    ],
    [
      'a bad login with no reason as a wrong password',
      { state: 'bad_login' },
      "Username and password didn't work",
    ],
    ['a locked account', { state: 'bad_login', reason: 'locked' }, 'Account locked after too many attempts'],
    [
      'a one-time code request',
      { state: 'bad_login', reason: 'mfa_required' },
      'The utility asks for a one-time code',
    ],
    [
      'an expiry with how long ago it was',
      { state: 'expired', expiresAt: ago(95 * DAY) },
      'This authorization expired 3 months ago',
    ],
    ['an expiry with no date', { state: 'expired' }, 'This authorization expired'],
    [
      'a decline with its day',
      { state: 'declined', declinedAt: new Date('2026-03-12T23:59:00Z') },
      'Declined by the customer on 12 Mar 2026',
    ],
    ['a decline with no date', { state: 'declined' }, 'Declined by the customer'],
    [
      'a revocation with its day',
      { state: 'revoked', revokedAt: new Date('2026-03-12T00:00:00Z') },
      'Access revoked by the customer on 12 Mar 2026',
    ],
    ['a revocation with no date', { state: 'revoked' }, 'Access revoked by the customer'],
    [
      'a utility website outage',
      { state: 'provider_issue' },
      "The utility's website is not responding; the platform is retrying",
    ],
    ['an indefinite authorization', { state: 'active' }, 'Authorized'],
    [
      'an authorization with its coming expiry',
      { state: 'active', expiresAt: ahead(12 * DAY + HOUR) },
      'Authorized; expires in 12 days',
    ],
    ['an active authorization whose expiry passed', { state: 'active', expiresAt: ago(DAY) }, 'Authorized'],
    ['an unfinished form', { state: 'pending' }, 'Waiting for the customer to finish the authorization form'],
  ])('describes %s', (_name, overrides, expected) => {
    expect(describeProblem(facts(overrides), now)).toBe(expected);
  });
});

describe('reasonWords', () => {
  it.each([
    ['invalid_credentials', "Username and password didn't work"],
    ['locked', 'Account locked after too many attempts'],
    ['mfa_required', 'The utility asks for a one-time code'],
  ] as const)('words %s as "%s"', (reason, expected) => {
    expect(reasonWords(reason)).toBe(expected);
  });
});

describe('timeAgo', () => {
  it.each<[number, string]>([
    [-5 * MINUTE, 'just now'],
    [0, 'just now'],
    [59_999, 'just now'],
    [MINUTE, '1 minute ago'],
    [5 * MINUTE, '5 minutes ago'],
    [59 * MINUTE, '59 minutes ago'],
    [HOUR, '1 hour ago'],
    [3 * HOUR + 59 * MINUTE, '3 hours ago'],
    [DAY, '1 day ago'],
    [12 * DAY, '12 days ago'],
    [29 * DAY, '29 days ago'],
    [30 * DAY, '1 month ago'],
    [59 * DAY, '1 month ago'],
    [95 * DAY, '3 months ago'],
    [364 * DAY, '12 months ago'],
    [365 * DAY, '1 year ago'],
    [800 * DAY, '2 years ago'],
  ])('reads %d ms in the past as "%s"', (ms, expected) => {
    expect(timeAgo(ago(ms), now)).toBe(expected);
  });
});

describe('timeUntil', () => {
  it.each<[number, string]>([
    [-DAY, 'now'],
    [0, 'now'],
    [30_000, 'now'],
    [MINUTE, 'in 1 minute'],
    [5 * MINUTE, 'in 5 minutes'],
    [3 * HOUR, 'in 3 hours'],
    [DAY, 'in 1 day'],
    [12 * DAY, 'in 12 days'],
    [60 * DAY, 'in 2 months'],
    [400 * DAY, 'in 1 year'],
  ])('reads %d ms ahead as "%s"', (ms, expected) => {
    expect(timeUntil(ahead(ms), now)).toBe(expected);
  });
});

describe('formatDay', () => {
  it.each([
    ['2026-03-12T00:00:00Z', '12 Mar 2026'],
    ['2026-01-01T23:59:59Z', '1 Jan 2026'],
    ['2025-12-31T23:30:00-05:00', '1 Jan 2026'],
  ])('formats %s as "%s" in UTC', (iso, expected) => {
    expect(formatDay(new Date(iso))).toBe(expected);
  });
});
