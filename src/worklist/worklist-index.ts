// Longer than 250 lines because the columns, the order and the search buckets change together on every write.
import type { AuthorizationState, BadLoginReason } from '../domain/authorization';
import { isOpenRequestStatus, type RequestStatus } from '../domain/reauth-request';
import type { TriageSummary } from '../domain/triage';
import {
  HOME_TABS,
  type HomeTab,
  isListedIn,
  matchesSearch,
  parseSearch,
  searchTermsOf,
  type WorklistFacts,
  type WorklistScope,
  type WorklistSearch,
} from '../domain/worklist';

/** An authorization as the index keeps it: what lists filter, order and render. Times in epoch ms. */
export interface IndexedAuthorization {
  /** The authorization's id as 24 lower-case hex digits. */
  id: string;
  /** The workspace it belongs to: every count, page and search is of one workspace. */
  workspaceId: string;
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
  /** When it was last written: what the reauth form says "since" when no incident time was kept. */
  updatedAt?: number | null;
  /** Who is on the incident, a snooze, a dismissal; null (or absent) when nobody triaged it. */
  triage?: TriageSummary | null;
}

/** A reauth request as the index keeps it: only the latest one per authorization matters to lists. */
export interface IndexedRequest {
  id: string;
  createdAt: number;
  status: RequestStatus;
  statusAt: number;
  /** Where its email goes, who asked (a Slack user id) and, once bounced, SendGrid's reason: the reauth form's. */
  sentTo?: string | null;
  requestedBy?: string | null;
  bounceReason?: string | null;
  /** Failed without relink knowing whether the email went out: offered Send again. */
  unconfirmed?: boolean;
}

/** What the index answers with: a copy of one authorization and its latest request. */
export interface IndexedEntry extends IndexedAuthorization {
  request: IndexedRequest | null;
}

export interface IndexPage {
  items: IndexedEntry[];
  total: number;
  /** 1-based, clamped to `1..pages` (a remembered page may be past the end once the list shrank). */
  page: number;
  pages: number;
  pageSize: number;
}

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

/** A missing time in a time column: NaN keeps the column an unboxed array of doubles. */
const NO_TIME = Number.NaN;
const toColumn = (time: number | null): number => time ?? NO_TIME;
const fromColumn = (time: number): number | null => (Number.isNaN(time) ? null : time);

/**
 * Every authorization and its latest request, in memory, for the App Home and `/reauth`: counts,
 * pages and searches without reading the database. On FerretDB any filter other than a bare `_id`
 * scans the collection (tens of µs per document), which made one Home over 100,000 authorizations
 * take 30 s; in memory it takes milliseconds. Pure: fed copies, it never reads anything itself.
 *
 * Stored by column (one array per field, a row per authorization, rows never removed) rather than as
 * an object per authorization: at 100,000 authorizations objects took 46 MB and left the heap far
 * larger still while loading; columns of numbers and shared strings take about half.
 */
export function createWorklistIndex(options: { expiringWithinDays: number }) {
  const rowOf = new Map<string, number>();
  const ids: string[] = [];
  const workspaceIds: string[] = [];
  const versions: number[] = [];
  const names: (string | null)[] = [];
  const emails: (string | null)[] = [];
  const utilities: string[] = [];
  const states: AuthorizationState[] = [];
  const reasons: (BadLoginReason | null)[] = [];
  const expiresAts: number[] = [];
  const declinedAts: number[] = [];
  const revokedAts: number[] = [];
  const incidentOpens: boolean[] = [];
  const incidentSinces: number[] = [];
  const updatedAts: number[] = [];
  /** The latest request of each row that has one. */
  const requests = new Map<number, IndexedRequest>();
  /** The triage of each row that has one: few incidents are triaged, so a map rather than a column. */
  const triages = new Map<number, TriageSummary>();
  /** Row by its latest request's id, for status changes that name only the request. */
  const rowOfRequest = new Map<string, number>();
  /** Requests seen before their authorization (a load reads requests after authorizations). */
  const waitingRequests = new Map<string, IndexedRequest>();
  const byTermKey = new Map<string, number[]>();
  const order: number[] = [];
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

  /** Tab checks read one row through this object, refilled each time: no allocation per row. */
  const facts: WorklistFacts = {
    state: 'pending',
    expiresAt: null,
    incidentOpen: false,
    requestStatus: null,
    triage: null,
  };
  const factsOf = (row: number): WorklistFacts => {
    facts.state = states[row] as AuthorizationState;
    facts.expiresAt = fromColumn(expiresAts[row] as number);
    facts.incidentOpen = incidentOpens[row] as boolean;
    facts.requestStatus = requests.get(row)?.status ?? null;
    facts.triage = triages.get(row) ?? null;
    return facts;
  };
  const listed = (scope: HomeTab | WorklistScope, row: number, now: number, viewer: string | null = null) =>
    isListedIn(scope, factsOf(row), now, options.expiringWithinDays, viewer);

  const termsOf = (row: number) => searchTermsOf({ name: names[row] ?? null, email: emails[row] ?? null });

  function indexTerms(row: number, add: boolean): void {
    for (const key of new Set(termsOf(row).map(termKey))) {
      const bucket = byTermKey.get(key);
      if (add) {
        if (bucket) bucket.push(row);
        else byTermKey.set(key, [row]);
      } else if (bucket) {
        const at = bucket.indexOf(row);
        if (at >= 0) bucket.splice(at, 1);
        if (bucket.length === 0) byTermKey.delete(key);
      }
    }
  }

  function setRequest(row: number, request: IndexedRequest): void {
    const held = requests.get(row);
    if (held && held.id !== request.id) rowOfRequest.delete(held.id);
    requests.set(row, request);
    rowOfRequest.set(request.id, row);
  }

  function write(row: number, a: IndexedAuthorization): void {
    ids[row] = a.id;
    workspaceIds[row] = shared(a.workspaceId);
    versions[row] = a.version;
    names[row] = a.name;
    emails[row] = a.email;
    utilities[row] = shared(a.utility);
    states[row] = shared(a.state);
    reasons[row] = shared(a.reason);
    expiresAts[row] = toColumn(a.expiresAt);
    declinedAts[row] = toColumn(a.declinedAt);
    revokedAts[row] = toColumn(a.revokedAt);
    incidentOpens[row] = a.incidentOpen;
    incidentSinces[row] = toColumn(a.incidentSince);
    updatedAts[row] = toColumn(a.updatedAt ?? null);
    if (a.triage) triages.set(row, a.triage);
    else triages.delete(row);
  }

  const entryAt = (row: number): IndexedEntry => {
    return {
      id: ids[row] as string,
      workspaceId: workspaceIds[row] as string,
      version: versions[row] as number,
      name: names[row] ?? null,
      email: emails[row] ?? null,
      utility: utilities[row] as string,
      state: states[row] as AuthorizationState,
      reason: reasons[row] ?? null,
      expiresAt: fromColumn(expiresAts[row] as number),
      declinedAt: fromColumn(declinedAts[row] as number),
      revokedAt: fromColumn(revokedAts[row] as number),
      incidentOpen: incidentOpens[row] as boolean,
      incidentSince: fromColumn(incidentSinces[row] as number),
      updatedAt: fromColumn(updatedAts[row] as number),
      triage: triages.get(row) ?? null,
      request: requests.get(row) ?? null,
    };
  };

  /** "Newest problem first"; no problem sorts last; the id breaks ties so pages form one total order. */
  const sinceKey = (row: number) => {
    const since = incidentSinces[row] as number;
    return Number.isNaN(since) ? Number.NEGATIVE_INFINITY : since;
  };
  const newestProblemFirst = (a: number, b: number): number => {
    const byTime = sinceKey(b) - sinceKey(a);
    if (byTime) return byTime;
    const idA = ids[a] as string;
    const idB = ids[b] as string;
    return idA < idB ? 1 : idA > idB ? -1 : 0;
  };

  function ordered(): number[] {
    // Re-sorting a mostly sorted array is close to linear (V8's sort is a TimSort).
    if (orderStale) order.sort(newestProblemFirst);
    orderStale = false;
    return order;
  }

  function candidates(search: WorklistSearch): number[] {
    let pool: Iterable<number>;
    if (search.kind === 'id') {
      const row = rowOf.get(search.id);
      pool = row === undefined ? [] : [row];
    } else {
      const probe = search.kind === 'email' ? search.email : longest(search.words);
      if (!probe) return [];
      pool =
        probe.length >= TERM_KEY_LENGTH ? (byTermKey.get(termKey(probe)) ?? []) : bucketsStartingWith(probe);
    }
    const found: number[] = [];
    for (const row of pool) if (matchesSearch(search, ids[row] as string, termsOf(row))) found.push(row);
    return found.sort(newestProblemFirst);
  }

  function bucketsStartingWith(prefix: string): Set<number> {
    const rows = new Set<number>();
    for (const [key, bucket] of byTermKey) {
      if (key.startsWith(prefix)) for (const row of bucket) rows.add(row);
    }
    return rows;
  }

  return {
    /** Keeps this copy of an authorization unless a newer revision of it is already held. */
    putAuthorization(authorization: IndexedAuthorization): void {
      const held = rowOf.get(authorization.id);
      if (held === undefined) {
        const row = ids.length;
        write(row, authorization);
        rowOf.set(authorization.id, row);
        const waiting = waitingRequests.get(authorization.id);
        if (waiting) setRequest(row, waiting);
        waitingRequests.delete(authorization.id);
        indexTerms(row, true);
        order.push(row);
        orderStale = true;
        return;
      }
      if (authorization.version <= (versions[held] as number)) return;
      const termsChanged = names[held] !== authorization.name || emails[held] !== authorization.email;
      if (termsChanged) indexTerms(held, false);
      if (fromColumn(incidentSinces[held] as number) !== authorization.incidentSince) orderStale = true;
      write(held, authorization);
      if (termsChanged) indexTerms(held, true);
    },

    /** Keeps this request as the authorization's latest unless a newer one is already held. */
    putRequest(authorizationId: string, request: IndexedRequest): void {
      const row = rowOf.get(authorizationId);
      if (row === undefined) {
        waitingRequests.set(
          authorizationId,
          laterRequest(waitingRequests.get(authorizationId) ?? null, request),
        );
        return;
      }
      const held = requests.get(row) ?? null;
      const later = laterRequest(held, request);
      if (later !== held) setRequest(row, later);
    },

    /** A request's new status; ignored unless it is some authorization's latest request. */
    setRequestStatus(requestId: string, status: RequestStatus, statusAt: number): void {
      const row = rowOfRequest.get(requestId);
      const held = row === undefined ? undefined : requests.get(row);
      if (row === undefined || !held) return;
      // What the old status said of the email (unconfirmed) does not carry over to the new one.
      const later = laterRequest(held, { ...held, status, statusAt, unconfirmed: false });
      if (later !== held) setRequest(row, later);
    },

    /** What became of a request's email (a bounce's reason, unconfirmed), if it is some authorization's latest. */
    noteOutcome(requestId: string, outcome: Pick<IndexedRequest, 'bounceReason' | 'unconfirmed'>): void {
      const row = rowOfRequest.get(requestId);
      const held = row === undefined ? undefined : requests.get(row);
      if (row !== undefined && held) setRequest(row, { ...held, ...outcome });
    },

    /** How many authorizations' latest requests are in `status`: the backlog gauges count here, not in the database. */
    latestRequestsIn(status: RequestStatus): number {
      let count = 0;
      for (const request of requests.values()) if (request.status === status) count += 1;
      return count;
    },

    /** Ids of latest requests still open although their authorization is valid again, incident closed. */
    openRequestsOfRelinked(): string[] {
      const found: string[] = [];
      for (const [row, request] of requests) {
        if (states[row] === 'active' && !incidentOpens[row] && isOpenRequestStatus(request.status))
          found.push(request.id);
      }
      return found;
    },

    /** Orders everything now (after a load), so the first page asked for does not wait for it. */
    sort(): void {
      ordered();
    },

    get size(): number {
      return ids.length;
    },

    /** A copy of what the index holds for one authorization of this workspace. */
    get(workspaceId: string, id: string): IndexedEntry | undefined {
      const row = rowOf.get(id);
      return row === undefined || workspaceIds[row] !== workspaceId ? undefined : entryAt(row);
    },

    /** How many of a workspace's authorizations each tab lists at `now` (`viewer`: whose "Mine"). */
    counts(workspaceId: string, now: number, viewer: string | null = null): Record<HomeTab, number> {
      const counts = Object.fromEntries(HOME_TABS.map((tab) => [tab, 0])) as Record<HomeTab, number>;
      for (let row = 0; row < ids.length; row++) {
        if (workspaceIds[row] !== workspaceId) continue;
        // One read of the row's facts for every tab: six reads of its request and triage cost more.
        const rowFacts = factsOf(row);
        for (const tab of HOME_TABS) {
          if (isListedIn(tab, rowFacts, now, options.expiringWithinDays, viewer)) counts[tab] += 1;
        }
      }
      return counts;
    },

    /** One page of a workspace's tab, optionally narrowed by a search, newest problem first. */
    page(
      workspaceId: string,
      scope: HomeTab | WorklistScope,
      query: { now: number; page: number; pageSize: number; search?: string | null; viewer?: string | null },
    ): IndexPage {
      const search = parseSearch(query.search);
      const pool = search ? candidates(search) : ordered();
      const viewer = query.viewer ?? null;
      const all = pool.filter(
        (row) => workspaceIds[row] === workspaceId && listed(scope, row, query.now, viewer),
      );
      const pageSize = Math.max(1, Math.floor(query.pageSize));
      const pages = Math.max(1, Math.ceil(all.length / pageSize));
      const page = Math.min(Math.max(1, Math.floor(query.page) || 1), pages);
      const items = all.slice((page - 1) * pageSize, page * pageSize).map(entryAt);
      return { items, total: all.length, page, pages, pageSize };
    },

    /** A workspace's authorizations matching what a person typed, newest problem first: the first `limit`. */
    find(workspaceId: string, query: string, limit: number): { items: IndexedEntry[]; total: number } {
      const search = parseSearch(query);
      const found = (search ? candidates(search) : []).filter((row) => workspaceIds[row] === workspaceId);
      return { items: found.slice(0, limit).map(entryAt), total: found.length };
    },
  };
}

export type WorklistIndex = ReturnType<typeof createWorklistIndex>;

const longest = (words: readonly string[]): string | undefined =>
  words.reduce<string | undefined>((a, b) => (a === undefined || b.length > a.length ? b : a), undefined);
