import type { AuthorizationState, BadLoginReason } from '../domain/authorization';
import type { RequestStatus } from '../domain/reauth-request';
import {
  HOME_TABS,
  type HomeTab,
  isListedIn,
  matchesSearch,
  parseSearch,
  searchTermsOf,
  type WorklistScope,
  type WorklistSearch,
} from '../domain/worklist';

/** An authorization as the index keeps it: what lists filter, order and render. Times in epoch ms. */
export interface IndexedAuthorization {
  /** The authorization's id as 24 lower-case hex digits. */
  id: string;
  /** Its revision number: a copy older than the one held is ignored, whatever order copies arrive in. */
  version: number;
  name: string | null;
  email: string | null;
  utility: string;
  state: AuthorizationState;
  reason: BadLoginReason | null;
  expiresAt: number | null;
  declinedAt: number | null;
  revokedAt: number | null;
  incidentOpen: boolean;
  incidentSince: number | null;
}

/** A reauth request as the index keeps it: only the latest one per authorization matters to lists. */
export interface IndexedRequest {
  id: string;
  createdAt: number;
  status: RequestStatus;
  statusAt: number;
}

export interface IndexedEntry extends IndexedAuthorization {
  request: IndexedRequest | null;
  /** `request?.status`, kept flat so tab checks read the entry itself (see `WorklistFacts`). */
  requestStatus: RequestStatus | null;
}

export interface IndexPage {
  items: IndexedEntry[];
  total: number;
  /** 1-based, clamped to `1..pages` (a remembered page may be past the end once the list shrank). */
  page: number;
  pages: number;
  pageSize: number;
}

/** "Newest problem first"; no problem sorts last; the id breaks ties so pages form one total order. */
const newestProblemFirst = (a: IndexedEntry, b: IndexedEntry): number =>
  (b.incidentSince ?? Number.NEGATIVE_INFINITY) - (a.incidentSince ?? Number.NEGATIVE_INFINITY) ||
  (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The later of two copies of requests: a newer request wins; of one request, the later status. */
const laterRequest = (held: IndexedRequest | null, seen: IndexedRequest): IndexedRequest => {
  if (!held) return seen;
  if (held.id === seen.id) return seen.statusAt >= held.statusAt ? seen : held;
  const newer = seen.createdAt - held.createdAt || (seen.id > held.id ? 1 : -1);
  return newer > 0 ? seen : held;
};

// Search terms are indexed by their first two characters: a typed word finds its candidates in one
// bucket, and only those are checked word by word.
const TERM_KEY_LENGTH = 2;
const termKey = (term: string) => term.slice(0, TERM_KEY_LENGTH);

/**
 * Every authorization and its latest request, in memory, for the App Home and `/reauth`: counts,
 * pages and searches without reading the database. On FerretDB any filter other than a bare `_id`
 * scans the collection (tens of µs per document), which made one Home over 100,000 authorizations
 * take 30 s; in memory it takes milliseconds. Pure: fed copies, it never reads anything itself.
 */
export function createWorklistIndex(options: { expiringWithinDays: number }) {
  const byId = new Map<string, IndexedEntry>();
  const byTermKey = new Map<string, Set<IndexedEntry>>();
  /** The latest request of each authorization by request id, for status changes that name only it. */
  const latestRequests = new Map<string, IndexedEntry>();
  /** Requests seen before their authorization (a load reads requests after authorizations). */
  const waitingRequests = new Map<string, IndexedRequest>();
  const order: IndexedEntry[] = [];
  let orderStale = false;
  /**
   * One copy of each repeated word (utility names, states, reasons): every copy read from the
   * database is a string of its own, and at 100,000 authorizations these copies were ~9 MB.
   */
  const words = new Map<string, string>();
  const shared = <T extends string | null>(word: T): T => {
    if (word === null) return word;
    const held = words.get(word);
    if (held !== undefined) return held as T;
    words.set(word, word);
    return word;
  };
  const shareWords = (entry: IndexedEntry): void => {
    entry.utility = shared(entry.utility);
    entry.state = shared(entry.state);
    entry.reason = shared(entry.reason);
  };

  function indexTerms(entry: IndexedEntry, add: boolean): void {
    for (const term of searchTermsOf(entry)) {
      const key = termKey(term);
      const bucket = byTermKey.get(key);
      if (add) {
        if (bucket) bucket.add(entry);
        else byTermKey.set(key, new Set([entry]));
      } else {
        bucket?.delete(entry);
        if (bucket?.size === 0) byTermKey.delete(key);
      }
    }
  }

  function setRequest(entry: IndexedEntry, request: IndexedRequest): void {
    if (entry.request && entry.request.id !== request.id) latestRequests.delete(entry.request.id);
    entry.request = request;
    entry.requestStatus = request.status;
    latestRequests.set(request.id, entry);
  }

  function ordered(): IndexedEntry[] {
    // Re-sorting a mostly sorted array is close to linear (V8's sort is a TimSort).
    if (orderStale) order.sort(newestProblemFirst);
    orderStale = false;
    return order;
  }

  function candidates(search: WorklistSearch): IndexedEntry[] {
    let pool: Iterable<IndexedEntry>;
    if (search.kind === 'id') {
      const entry = byId.get(search.id);
      pool = entry ? [entry] : [];
    } else {
      const probe = search.kind === 'email' ? search.email : longest(search.words);
      if (!probe) return [];
      pool =
        probe.length >= TERM_KEY_LENGTH ? (byTermKey.get(termKey(probe)) ?? []) : bucketsStartingWith(probe);
    }
    const found: IndexedEntry[] = [];
    for (const entry of pool) if (matchesSearch(search, entry.id, searchTermsOf(entry))) found.push(entry);
    return found.sort(newestProblemFirst);
  }

  function* bucketsStartingWith(prefix: string): Iterable<IndexedEntry> {
    const seen = new Set<IndexedEntry>();
    for (const [key, bucket] of byTermKey) {
      if (!key.startsWith(prefix)) continue;
      for (const entry of bucket) {
        if (seen.has(entry)) continue;
        seen.add(entry);
        yield entry;
      }
    }
  }

  const listed = (scope: HomeTab | WorklistScope, entry: IndexedEntry, now: number) =>
    isListedIn(scope, entry, now, options.expiringWithinDays);

  return {
    /** Keeps this copy of an authorization unless a newer revision of it is already held. */
    putAuthorization(authorization: IndexedAuthorization): void {
      const held = byId.get(authorization.id);
      if (!held) {
        const entry = entryOf(authorization);
        shareWords(entry);
        const waiting = waitingRequests.get(authorization.id);
        if (waiting) setRequest(entry, waiting);
        waitingRequests.delete(authorization.id);
        byId.set(entry.id, entry);
        indexTerms(entry, true);
        order.push(entry);
        orderStale = true;
        return;
      }
      if (authorization.version <= held.version) return;
      const termsChanged = held.name !== authorization.name || held.email !== authorization.email;
      if (termsChanged) indexTerms(held, false);
      if (held.incidentSince !== authorization.incidentSince) orderStale = true;
      Object.assign(held, authorization);
      shareWords(held);
      if (termsChanged) indexTerms(held, true);
    },

    /** Keeps this request as the authorization's latest unless a newer one is already held. */
    putRequest(authorizationId: string, request: IndexedRequest): void {
      const entry = byId.get(authorizationId);
      if (entry) {
        const later = laterRequest(entry.request, request);
        if (later !== entry.request) setRequest(entry, later);
      } else {
        waitingRequests.set(
          authorizationId,
          laterRequest(waitingRequests.get(authorizationId) ?? null, request),
        );
      }
    },

    /** A request's new status; ignored unless it is some authorization's latest request. */
    setRequestStatus(requestId: string, status: RequestStatus, statusAt: number): void {
      const entry = latestRequests.get(requestId);
      if (!entry?.request) return;
      const later = laterRequest(entry.request, { ...entry.request, status, statusAt });
      if (later !== entry.request) setRequest(entry, later);
    },

    /** Orders everything now (after a load), so the first page asked for does not wait for it. */
    sort(): void {
      ordered();
    },

    get size(): number {
      return byId.size;
    },

    get(id: string): IndexedEntry | undefined {
      return byId.get(id);
    },

    /** How many authorizations each tab lists at `now`. */
    counts(now: number): Record<HomeTab, number> {
      const counts = Object.fromEntries(HOME_TABS.map((tab) => [tab, 0])) as Record<HomeTab, number>;
      for (const entry of byId.values()) {
        for (const tab of HOME_TABS) if (listed(tab, entry, now)) counts[tab] += 1;
      }
      return counts;
    },

    /** One page of a tab, optionally narrowed by a search, newest problem first. */
    page(
      scope: HomeTab | WorklistScope,
      query: { now: number; page: number; pageSize: number; search?: string | null },
    ): IndexPage {
      const search = parseSearch(query.search);
      const pool = search ? candidates(search) : ordered();
      const all = pool.filter((entry) => listed(scope, entry, query.now));
      const pageSize = Math.max(1, Math.floor(query.pageSize));
      const pages = Math.max(1, Math.ceil(all.length / pageSize));
      const page = Math.min(Math.max(1, Math.floor(query.page) || 1), pages);
      const items = all.slice((page - 1) * pageSize, page * pageSize);
      return { items, total: all.length, page, pages, pageSize };
    },

    /** Every authorization matching what a person typed, newest problem first: the first `limit`. */
    find(query: string, limit: number): { items: IndexedEntry[]; total: number } {
      const search = parseSearch(query);
      const found = search ? candidates(search) : [];
      return { items: found.slice(0, limit), total: found.length };
    },
  };
}

export type WorklistIndex = ReturnType<typeof createWorklistIndex>;

/**
 * Written out field by field: an object literal has its fields in the object itself, while a spread
 * copy of one (measured) takes three times the memory, which at 100,000 entries is 45 MB.
 */
const entryOf = (a: IndexedAuthorization): IndexedEntry => ({
  id: a.id,
  version: a.version,
  name: a.name,
  email: a.email,
  utility: a.utility,
  state: a.state,
  reason: a.reason,
  expiresAt: a.expiresAt,
  declinedAt: a.declinedAt,
  revokedAt: a.revokedAt,
  incidentOpen: a.incidentOpen,
  incidentSince: a.incidentSince,
  request: null,
  requestStatus: null,
});

const longest = (words: readonly string[]): string | undefined =>
  words.reduce<string | undefined>((a, b) => (a === undefined || b.length > a.length ? b : a), undefined);
