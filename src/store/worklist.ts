import { type Model, type QueryFilter, Types } from 'mongoose';
import {
  AWAITING_REQUEST_STATUSES,
  HOME_PAGE_SIZE,
  type HomeTab,
  type WorklistScope,
} from '../domain/worklist';
import type { AuthorizationDocument, Models } from './models';
import type { ReauthRequestDocument, RequestStore } from './requests';

export interface WorklistPage {
  items: AuthorizationDocument[];
  total: number;
  /** 1-based, clamped to `1..pages` (a remembered page may be past the end once the list shrank). */
  page: number;
  pages: number;
  pageSize: number;
}

export interface PageOptions {
  now: Date;
  page: number;
  pageSize?: number;
  /** An email, an authorization id or the start of name words; narrows the tab. */
  search?: string | null;
  /** The tab's size when the caller already counted it (the Home's header): saves a scan. */
  knownTotal?: number;
}

export interface WorklistDeps {
  models: Models;
  /** Also proves the ReauthRequest model is registered on the connection (see `requestModel`). */
  requests: RequestStore;
  /** EXPIRY_WARNING_DAYS' largest threshold: what "expiring soon" means. */
  expiringWithinDays: number;
}

const DAY_MS = 86_400_000;
const OBJECT_ID = /^[0-9a-f]{24}$/i;
// An upper bound on open requests read per awaiting-customer query; far above any real backlog.
const OPEN_REQUESTS_SCAN_LIMIT = 100_000;

/** "Newest problem first"; `_id` breaks ties so skip/limit pages form one total order. */
const NEWEST_PROBLEM_FIRST = { incidentSince: -1, _id: -1 } as const;

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The filter for what a person typed: an email (exact), an authorization id, or the start of one or
 * more name words (each must begin some word). Matches `searchTerms`, which holds lower-cased name
 * words and the whole email, so lower-casing the query makes it case-insensitive without a regex `i`
 * flag: an anchored, case-sensitive prefix is what lets MongoDB answer from the searchTerms index.
 */
export function searchFilter(raw: string): QueryFilter<AuthorizationDocument> | null {
  const query = raw.trim().toLowerCase();
  if (!query) return null;
  if (OBJECT_ID.test(query)) return { _id: new Types.ObjectId(query) };
  if (query.includes('@')) return { searchTerms: query };
  const words = query.split(/[^\p{L}\p{N}'-]+/u).filter(Boolean);
  if (words.length === 0) return { _id: null }; // only punctuation: matches nothing
  const prefixes = words.map((w) => ({ searchTerms: { $regex: `^${escapeRegex(w)}` } }));
  return prefixes.length === 1 ? (prefixes[0] ?? null) : { $and: prefixes };
}

/**
 * The App Home tabs and `/reauth` lists as queries. No `$lookup`/`$facet` on FerretDB, so "awaiting
 * customer" is two reads: open requests, then authorizations by `_id: { $in }`.
 */
export function createWorklist(deps: WorklistDeps) {
  const { Authorization } = deps.models;
  // requests.ts exposes no bulk reads; the worklist reads the same collection through the model that
  // createRequestStore registered (passing `requests` in deps guarantees that ran first).
  const Request = Authorization.db.model('ReauthRequest') as unknown as Model<ReauthRequestDocument>;

  /** Latest request per authorization: one query, newest first, first seen per authorization wins. */
  async function lastRequestsFor(
    ids: readonly Types.ObjectId[],
  ): Promise<Map<string, ReauthRequestDocument>> {
    const latest = new Map<string, ReauthRequestDocument>();
    if (ids.length === 0) return latest;
    const requests = await Request.find({ authorizationId: { $in: ids } })
      .sort({ createdAt: -1, _id: -1 })
      .lean();
    for (const request of requests) {
      const key = request.authorizationId.toHexString();
      if (!latest.has(key)) latest.set(key, request);
    }
    return latest;
  }

  /**
   * Authorizations whose latest request went out and is not resolved. Cost: every open request (few:
   * sending one supersedes the older ones) plus every request of those authorizations, then an `$in`
   * of that size on authorizations; proportional to the open backlog, not to all authorizations.
   */
  async function awaitingIds(): Promise<Types.ObjectId[]> {
    const open = await deps.requests.allOpen(OPEN_REQUESTS_SCAN_LIMIT);
    const candidates = new Map<string, Types.ObjectId>();
    for (const r of open) {
      if (AWAITING_REQUEST_STATUSES.includes(r.status))
        candidates.set(r.authorizationId.toHexString(), r.authorizationId);
    }
    // A newer request (queued, failed, bounced) means the customer is no longer simply awaited.
    const latest = await lastRequestsFor([...candidates.values()]);
    return [...candidates.entries()]
      .filter(([key]) => {
        const status = latest.get(key)?.status;
        return status !== undefined && AWAITING_REQUEST_STATUSES.includes(status);
      })
      .map(([, id]) => id);
  }

  async function scopeFilter(
    scope: HomeTab | WorklistScope,
    now: Date,
  ): Promise<QueryFilter<AuthorizationDocument>> {
    const { tab, state } = typeof scope === 'string' ? { tab: scope, state: undefined } : scope;
    const only = state ? { state } : {};
    switch (tab) {
      case 'bad_logins':
        return { state: 'bad_login' };
      case 'expired_declined':
        return state ? only : { state: { $in: ['expired', 'declined', 'revoked'] } };
      case 'expiring_soon':
        return {
          state: { $in: ['active', 'pending'] },
          expiresAt: { $gt: now, $lte: new Date(now.getTime() + deps.expiringWithinDays * DAY_MS) },
        };
      case 'awaiting_customer':
        return { _id: { $in: await awaitingIds() }, incidentOpen: true, ...only };
      case 'all':
        return only;
    }
  }

  const withSearch = (
    filter: QueryFilter<AuthorizationDocument>,
    search: string | null | undefined,
  ): QueryFilter<AuthorizationDocument> => {
    const narrowed = search ? searchFilter(search) : null;
    return narrowed ? { $and: [filter, narrowed] } : filter;
  };

  const count = async (scope: HomeTab | WorklistScope, now: Date): Promise<number> =>
    Authorization.countDocuments(await scopeFilter(scope, now));

  return {
    count,

    /** Every tab's count, for the Home header and `/reauth help`. */
    async counts(now: Date): Promise<Record<HomeTab, number>> {
      // One pass groups every authorization by state for three tabs: on FerretDB each query reads the
      // whole collection, so five separate counts cost five scans.
      const byState = new Map(
        (
          await Authorization.aggregate<{ _id: string; n: number }>([
            { $group: { _id: '$state', n: { $sum: 1 } } },
          ])
        ).map((g) => [g._id, g.n]),
      );
      const of = (...states: string[]) => states.reduce((sum, state) => sum + (byState.get(state) ?? 0), 0);
      const [expiringSoon, awaitingCustomer] = await Promise.all([
        count('expiring_soon', now),
        count('awaiting_customer', now),
      ]);
      return {
        bad_logins: of('bad_login'),
        expired_declined: of('expired', 'declined', 'revoked'),
        expiring_soon: expiringSoon,
        awaiting_customer: awaitingCustomer,
        all: [...byState.values()].reduce((a, b) => a + b, 0),
      };
    },

    /** One page of a tab, newest problem first. Pages are 1-based; skip/limit over a total order. */
    async page(scope: HomeTab | WorklistScope, options: PageOptions): Promise<WorklistPage> {
      const pageSize = Math.max(1, Math.floor(options.pageSize ?? HOME_PAGE_SIZE));
      const filter = withSearch(await scopeFilter(scope, options.now), options.search);
      const total =
        options.knownTotal !== undefined && !options.search
          ? options.knownTotal
          : await Authorization.countDocuments(filter);
      const pages = Math.max(1, Math.ceil(total / pageSize));
      const page = Math.min(Math.max(1, Math.floor(options.page) || 1), pages);
      const items = await Authorization.find(filter)
        .sort(NEWEST_PROBLEM_FIRST)
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .lean();
      return { items, total, page, pages, pageSize };
    },

    /** `/reauth <query>` over every authorization: the first `limit` matches and how many there are. */
    async find(query: string, limit: number): Promise<{ items: AuthorizationDocument[]; total: number }> {
      const filter = searchFilter(query);
      if (!filter) return { items: [], total: 0 };
      const items = await Authorization.find(filter).sort(NEWEST_PROBLEM_FIRST).limit(limit).lean();
      // Most searches match fewer than `limit`: then the count is known without a second scan, which
      // on FerretDB (no index use) costs as much as the find.
      const total = items.length < limit ? items.length : await Authorization.countDocuments(filter);
      return { items, total };
    },

    /** The latest request of each authorization shown, keyed by hex id, for rendering a page. */
    lastRequestsFor: (ids: readonly Types.ObjectId[]) => lastRequestsFor(ids),
  };
}

export type Worklist = ReturnType<typeof createWorklist>;
