import type { AuthorizationState, AuthorizationStatus } from './authorization';
import type { RequestStatus } from './reauth-request';
import type { TriageSummary } from './triage';

const DAY_MS = 86_400_000;

/**
 * The worklist: the Slack version of the platform dashboard's filters ("Bad Logins",
 * "Expired/Declined"; see reauthorization-help.txt), shown as App Home tabs and listed by
 * `/reauth list <filter>`. Pure: names, labels and the mapping between the two vocabularies.
 */

/** App Home tabs; values are stored in each user's Home state and in `private_metadata`. */
export const HOME_TABS = [
  'bad_logins',
  'expired_declined',
  'expiring_soon',
  'awaiting_customer',
  /** Incidents the viewer said "I'm on it" to (src/domain/triage.ts). */
  'mine',
  'all',
] as const;
export type HomeTab = (typeof HOME_TABS)[number];

export const HOME_TAB_LABELS: Record<HomeTab, string> = {
  bad_logins: 'Bad logins',
  expired_declined: 'Expired / Declined',
  expiring_soon: 'Expiring soon',
  awaiting_customer: 'Awaiting customer',
  mine: 'Mine',
  all: 'All',
};

/** What `/reauth list <filter>` accepts: typed by people, so kebab-case words rather than tab ids. */
export const WORKLIST_FILTERS = [
  'bad-logins',
  'expired',
  'declined',
  'expiring',
  'awaiting',
  'mine',
  'all',
] as const;
export type WorklistFilter = (typeof WORKLIST_FILTERS)[number];

export const WORKLIST_FILTER_LABELS: Record<WorklistFilter, string> = {
  'bad-logins': 'Bad logins',
  expired: 'Expired',
  declined: 'Declined',
  expiring: 'Expiring soon',
  awaiting: 'Awaiting customer',
  mine: 'Mine',
  all: 'All',
};

/**
 * What a list shows: a tab, optionally narrowed to one state. The Home merges expired and declined
 * (and revoked) into one tab as the dashboard does, while `/reauth list expired` means only expired.
 */
export interface WorklistScope {
  tab: HomeTab;
  state?: AuthorizationState;
}

const FILTER_SCOPES: Record<WorklistFilter, WorklistScope> = {
  'bad-logins': { tab: 'bad_logins' },
  expired: { tab: 'expired_declined', state: 'expired' },
  declined: { tab: 'expired_declined', state: 'declined' },
  expiring: { tab: 'expiring_soon' },
  awaiting: { tab: 'awaiting_customer' },
  mine: { tab: 'mine' },
  all: { tab: 'all' },
};

export const scopeOfFilter = (filter: WorklistFilter): WorklistScope => FILTER_SCOPES[filter];
export const tabOfFilter = (filter: WorklistFilter): HomeTab => FILTER_SCOPES[filter].tab;

export const isHomeTab = (value: unknown): value is HomeTab =>
  typeof value === 'string' && (HOME_TABS as readonly string[]).includes(value);
export const isWorklistFilter = (value: unknown): value is WorklistFilter =>
  typeof value === 'string' && (WORKLIST_FILTERS as readonly string[]).includes(value);

export const DEFAULT_HOME_TAB: HomeTab = 'bad_logins';

/** Rows the Home shows per page: 20 rows of at most 4 blocks stay well inside Slack's 100 blocks. */
export const HOME_PAGE_SIZE = 20;
/** Rows `/reauth` lists in one ephemeral message before pointing to the App Home. */
export const COMMAND_LIST_LIMIT = 10;

/** One authorization as lists render it (what `blocks/` needs of it, without importing the store). */
export interface WorklistItem
  extends Pick<
    AuthorizationStatus,
    'state' | 'reason' | 'expiresAt' | 'declinedAt' | 'revokedAt' | 'incidentOpen'
  > {
  _id: { toHexString(): string };
  customer: { name: string | null; email: string | null };
  utility: string;
  incidentSince: Date | null;
  /** Who is on the incident, a snooze, a dismissal; absent or null when nobody triaged it. */
  triage?: TriageSummary | null;
}

/** The latest reauth request of an authorization, as lists render it (subset of the stored request). */
export interface WorklistRequest {
  status: RequestStatus;
  /** When the request reached `status`. */
  statusAt: Date;
  /** Failed without relink knowing whether the email went out (`isUnconfirmedFailure`). */
  unconfirmed?: boolean;
}

/** Request statuses that mean "the email went out and the customer has not relinked yet". */
export const AWAITING_REQUEST_STATUSES: readonly RequestStatus[] = ['sent', 'delivered', 'opened', 'clicked'];

/** What decides which tabs an authorization is listed under. Times in epoch milliseconds. */
export interface WorklistFacts {
  state: AuthorizationState;
  expiresAt: number | null;
  incidentOpen: boolean;
  /** The status of the authorization's latest reauth request; null when none was ever made. */
  requestStatus: RequestStatus | null;
  /** The incident's triage; null (or absent) when nobody triaged it. */
  triage?: TriageSummary | null;
}

/** Dismissed, or snoozed past `now`: out of the work tabs (still in All, and found by a search). */
const setAside = (triage: TriageSummary | null | undefined, now: number): boolean =>
  !!triage &&
  (triage.dismissedReason !== null || (triage.snoozedUntil !== null && triage.snoozedUntil.getTime() > now));

/**
 * Whether a tab (or a `/reauth list` filter) lists an authorization. "Expiring soon" means active or
 * pending with an expiry after `now` and at most `expiringWithinDays` ahead, the last day included.
 * Incidents dismissed or snoozed leave the incident tabs; "Mine" lists the open incidents `viewer`
 * (a Slack user id) is on.
 */
export function isListedIn(
  scope: HomeTab | WorklistScope,
  facts: WorklistFacts,
  now: number,
  expiringWithinDays: number,
  viewer: string | null = null,
): boolean {
  // Called for every authorization in memory on each Home render: no allocation here.
  const tab = typeof scope === 'string' ? scope : scope.tab;
  if (typeof scope !== 'string' && scope.state && facts.state !== scope.state) return false;
  switch (tab) {
    case 'bad_logins':
      return facts.state === 'bad_login' && !setAside(facts.triage, now);
    case 'expired_declined':
      return (
        (facts.state === 'expired' || facts.state === 'declined' || facts.state === 'revoked') &&
        !setAside(facts.triage, now)
      );
    case 'mine':
      return (
        viewer !== null &&
        facts.incidentOpen &&
        facts.triage?.assignee === viewer &&
        !setAside(facts.triage, now)
      );
    case 'expiring_soon':
      return (
        (facts.state === 'active' || facts.state === 'pending') &&
        facts.expiresAt !== null &&
        facts.expiresAt > now &&
        facts.expiresAt <= now + expiringWithinDays * DAY_MS
      );
    case 'awaiting_customer':
      // A newer request that is queued, failed or bounced means nobody is simply waiting any more.
      return (
        facts.incidentOpen &&
        !setAside(facts.triage, now) &&
        facts.requestStatus !== null &&
        AWAITING_REQUEST_STATUSES.includes(facts.requestStatus)
      );
    case 'all':
      return true;
  }
}

const NAME_WORD_SEPARATORS = /[^\p{L}\p{N}'-]+/u;
const OBJECT_ID = /^[0-9a-f]{24}$/;

/** Words of the name (so "jan" finds "Mary Jane Roe") and the whole email, lower-cased. */
export const searchTermsOf = (customer: { name: string | null; email: string | null }): string[] => [
  ...new Set([
    ...(customer.name ?? '').toLowerCase().split(NAME_WORD_SEPARATORS).filter(Boolean),
    ...(customer.email ? [customer.email.toLowerCase()] : []),
  ]),
];

/**
 * What a person typed, read as a search: an authorization id, an email (matched whole) or the starts
 * of name words (each must begin some word of the name). Case-insensitive. Null for a blank search.
 */
export type WorklistSearch =
  | { kind: 'id'; id: string }
  | { kind: 'email'; email: string }
  | { kind: 'words'; words: string[] };

export function parseSearch(raw: string | null | undefined): WorklistSearch | null {
  const query = (raw ?? '').trim().toLowerCase();
  if (!query) return null;
  if (OBJECT_ID.test(query)) return { kind: 'id', id: query };
  if (query.includes('@')) return { kind: 'email', email: query };
  // Only punctuation leaves no words: a search that matches nothing, not a blank one.
  return { kind: 'words', words: query.split(NAME_WORD_SEPARATORS).filter(Boolean) };
}

/** Whether an authorization with these search terms (see {@link searchTermsOf}) and id matches. */
export function matchesSearch(search: WorklistSearch, id: string, terms: readonly string[]): boolean {
  switch (search.kind) {
    case 'id':
      return id === search.id;
    case 'email':
      return terms.includes(search.email);
    case 'words':
      return search.words.length > 0 && search.words.every((w) => terms.some((t) => t.startsWith(w)));
  }
}

/** Longest search kept: an email is at most 254 characters. */
export const SEARCH_MAX_CHARS = 254;

/** A typed search as relink keeps it: one line, trimmed, bounded; blank means no search. */
export function normalizeSearch(raw: string | null | undefined): string | null {
  const text = (raw ?? '')
    .replace(/[\p{Cc}\p{Cs}\s]+/gu, ' ')
    .trim()
    .slice(0, SEARCH_MAX_CHARS)
    .trim();
  return text === '' ? null : text;
}
