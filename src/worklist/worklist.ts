// Longer than 250 lines because it is the worklist's whole surface: loading, refreshing, and every read the
// Home, /reauth, the reauth form, the bulk ask and the backlog gauges make.

import { isUnconfirmedFailure, type RequestStatus } from '../domain/reauth-request';
import {
  HOME_PAGE_SIZE,
  type HomeTab,
  type WorklistItem,
  type WorklistRequest,
  type WorklistScope,
} from '../domain/worklist';
import type { Logger } from '../logger';
import type { StoreListeners } from '../store/listeners';
import type { WorklistRequestRow, WorklistSource } from '../store/worklist-source';
import { createSentRequests, type SentRequest } from './sent-requests';
import { createWorklistIndex, type IndexedEntry } from './worklist-index';
import { indexed, itemOf } from './worklist-rows';

export interface WorklistPage {
  items: WorklistItem[];
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
  /** Whose "Mine" tab (a Slack user id); "Mine" lists nothing without one. */
  viewer?: string | null;
}

/** What the reauth form needs of one authorization, from memory: it, its latest request and its last sent one. */
export interface AskFacts {
  entry: IndexedEntry;
  lastSent: SentRequest | null;
}

export interface WorklistDeps {
  source: WorklistSource;
  /** EXPIRY_WARNING_DAYS' largest threshold: what "expiring soon" means. */
  expiringWithinDays: number;
  /**
   * How often to re-read what was written since the last look. Null when this process is the only
   * writer (the embedded database): then the stores' listeners already tell it everything.
   */
  refreshEveryMs: number | null;
  /** Copies kept beside the worklist (suppressions, settings), re-read on its schedule: as fresh as it is. */
  companions?: readonly { refresh(): Promise<void> }[];
  log: Logger;
}

/** Re-reads overlap by this much, so a write stamped by a slightly slow clock elsewhere is not missed. */
const REFRESH_OVERLAP_MS = 60_000;

/**
 * The App Home tabs and `/reauth` lists, answered from memory (see worklist-index.ts for why). The
 * index is loaded once from the database, then kept current by the stores' listeners (every write
 * this process makes) and, when other processes share the database, by re-reading what changed.
 */
export function createWorklist(deps: WorklistDeps) {
  const index = createWorklistIndex({ expiringWithinDays: deps.expiringWithinDays });
  const sent = createSentRequests();
  const log = deps.log.child({ component: 'worklist' });
  let loading: Promise<void> | null = null;
  let loaded = false;
  /** Writes heard while a load runs: replayed after it, since the load may have read older copies. */
  let heardDuringLoad: (() => void)[] | null = null;
  let lastLookStartedAt = 0;
  let refreshTimer: NodeJS.Timeout | null = null;
  let refreshing = false;
  let stopped = false;

  const putRequestRow = (row: WorklistRequestRow) => {
    const id = row._id.toHexString();
    const authorizationId = row.authorizationId.toHexString();
    const requestedBy = row.requestedBy?.userId ?? null;
    index.putRequest(authorizationId, {
      id,
      createdAt: row.createdAt.getTime(),
      status: row.status,
      statusAt: row.statusAt.getTime(),
      sentTo: row.recipient?.email ?? null,
      requestedBy,
      bounceReason: row.status === 'bounced' ? row.lastError?.message || null : null,
      unconfirmed: isUnconfirmedFailure(row.status, row.lastError?.code),
    });
    if (row.sentAt)
      sent.noteSent(authorizationId, { id, sentAt: row.sentAt.getTime(), requestedBy, status: row.status });
  };

  /**
   * Ends a read at its next row once the worklist is stopped: a full load takes seconds (12 s for
   * 100,000 authorizations), and stopping must neither wait for it nor leave its cursor open on a
   * database that is closing. Throwing from the visitor ends the cursor's loop, which closes it.
   */
  const unlessStopped =
    <T>(visit: (row: T) => void) =>
    (row: T): void => {
      if (stopped) throw new Error('the worklist was stopped while reading');
      visit(row);
    };

  /** Reads everything written since `after` (everything when null) into the index. */
  async function read(after: Date | null): Promise<{ authorizations: number; requests: number }> {
    const authorizations = await deps.source.eachAuthorization(
      after,
      unlessStopped((row) => index.putAuthorization(indexed(row))),
    );
    // After authorizations, so most requests find theirs (the index holds the others until it comes).
    const requests = await deps.source.eachRequest(after, unlessStopped(putRequestRow));
    return { authorizations, requests };
  }

  async function load(): Promise<void> {
    const started = Date.now();
    heardDuringLoad = [];
    try {
      const counted = await read(null);
      for (const change of heardDuringLoad) change();
      index.sort();
      lastLookStartedAt = started;
      loaded = true;
      log.info({ ...counted, ms: Date.now() - started }, 'worklist loaded');
    } finally {
      heardDuringLoad = null;
    }
  }

  /** Resolves once the index holds the database; a failed load is retried by the next caller. */
  function ready(): Promise<void> {
    if (loaded) return Promise.resolve();
    loading ??= load().finally(() => {
      loading = null;
    });
    return loading;
  }

  async function refresh(): Promise<void> {
    if (!loaded || refreshing) return;
    refreshing = true;
    const started = Date.now();
    try {
      const counted = await read(new Date(lastLookStartedAt - REFRESH_OVERLAP_MS));
      for (const companion of deps.companions ?? []) await companion.refresh();
      lastLookStartedAt = started;
      log.debug({ ...counted, ms: Date.now() - started }, 'worklist refreshed');
    } catch (err) {
      if (!stopped) log.warn({ err }, 'worklist refresh failed; trying again at the next interval');
    } finally {
      refreshing = false;
    }
  }

  function heard(change: () => void): void {
    try {
      change();
      heardDuringLoad?.push(change);
    } catch (err) {
      // A listener must not fail the write that called it; the next load or refresh repairs the index.
      log.error({ err }, 'worklist could not follow a write');
    }
  }

  const listeners: StoreListeners = {
    authorizationWritten: (authorization) => heard(() => index.putAuthorization(indexed(authorization))),
    requestWritten: (write) =>
      heard(() => {
        if (write.kind === 'created') {
          const { id, status, sentTo, requestedBy } = write;
          const times = { createdAt: write.createdAt.getTime(), statusAt: write.statusAt.getTime() };
          index.putRequest(write.authorizationId, { id, status, ...times, sentTo, requestedBy });
          return;
        }
        index.setRequestStatus(write.id, write.status, write.statusAt.getTime());
        sent.setStatus(write.id, write.status);
      }),
    requestOutcome: (outcome) =>
      heard(() => {
        if (outcome.kind === 'bounced')
          return index.noteOutcome(outcome.id, { bounceReason: outcome.reason });
        if (outcome.kind === 'unconfirmed') return index.noteOutcome(outcome.id, { unconfirmed: true });
        const { id, status, requestedBy } = outcome;
        sent.noteSent(outcome.authorizationId, { id, sentAt: outcome.sentAt.getTime(), status, requestedBy });
      }),
  };

  return {
    /** For the authorization and request stores: keeps the index current with this process's writes. */
    listeners,

    /** Starts loading in the background, and re-reading changes if other processes write too. */
    start(): void {
      stopped = false;
      ready().catch((err) => {
        // Stopping ends a running load; that failure is expected.
        if (!stopped) log.error({ err }, 'worklist load failed; the next Home or /reauth retries');
      });
      if (deps.refreshEveryMs !== null && !refreshTimer) {
        refreshTimer = setInterval(() => void refresh(), deps.refreshEveryMs);
        refreshTimer.unref();
      }
    },

    /** Stops re-reading and ends a load in progress at its next row; resolves once that load has ended. */
    async stop(): Promise<void> {
      stopped = true;
      if (refreshTimer) clearInterval(refreshTimer);
      refreshTimer = null;
      await loading?.catch(() => undefined);
    },

    ready,
    /** Re-reads what was written since the last look (what the timer does); for tests and benchmarks. */
    refresh,

    /** Every tab's count in a workspace, for the Home header and `/reauth help`. */
    async counts(workspaceId: string, now: Date, viewer: string | null = null) {
      await ready();
      return index.counts(workspaceId, now.getTime(), viewer);
    },

    /** One page of a workspace's tab, newest problem first. Pages are 1-based. */
    async page(
      workspaceId: string,
      scope: HomeTab | WorklistScope,
      options: PageOptions,
    ): Promise<WorklistPage> {
      await ready();
      const page = index.page(workspaceId, scope, {
        now: options.now.getTime(),
        page: options.page,
        pageSize: options.pageSize ?? HOME_PAGE_SIZE,
        search: options.search,
        viewer: options.viewer ?? null,
      });
      return { ...page, items: page.items.map(itemOf) };
    },

    /** `/reauth <query>` over a workspace's authorizations: the first `limit` matches and how many there are. */
    async find(
      workspaceId: string,
      query: string,
      limit: number,
    ): Promise<{ items: WorklistItem[]; total: number }> {
      await ready();
      const found = index.find(workspaceId, query, limit);
      return { items: found.items.map(itemOf), total: found.total };
    },

    /**
     * What the index holds of these authorizations of a workspace, and their latest requests, keyed by
     * hex id; ids of another workspace or unknown are left out (the bulk ask reads its selection here).
     */
    async entries(workspaceId: string, ids: readonly string[]): Promise<Map<string, IndexedEntry>> {
      await ready();
      const found = new Map<string, IndexedEntry>();
      for (const id of ids) {
        const entry = index.get(workspaceId, id);
        if (entry) found.set(id, entry);
      }
      return found;
    },

    /**
     * One authorization of a workspace with its latest and last sent requests, for the reauth form
     * before `views.open`; null when the workspace has no such authorization.
     */
    async askFacts(workspaceId: string, authorizationId: string): Promise<AskFacts | null> {
      await ready();
      const entry = index.get(workspaceId, authorizationId);
      return entry ? { entry, lastSent: sent.get(authorizationId) } : null;
    },

    /** How many authorizations' latest requests are in `status` (for the backlog gauges: no database read). */
    async latestRequestsIn(status: RequestStatus): Promise<number> {
      await ready();
      return index.latestRequestsIn(status);
    },

    /** Latest requests still open whose customer relinked (the sender marks them completed); from memory. */
    async openRequestsOfRelinked(): Promise<string[]> {
      await ready();
      return index.openRequestsOfRelinked();
    },

    /** The latest request of each authorization shown, keyed by hex id, for rendering a page. */
    lastRequestsFor(workspaceId: string, items: readonly WorklistItem[]): Map<string, WorklistRequest> {
      const latest = new Map<string, WorklistRequest>();
      for (const item of items) {
        const id = item._id.toHexString();
        const request = index.get(workspaceId, id)?.request;
        if (!request) continue;
        const { status, unconfirmed } = request;
        latest.set(id, {
          status,
          statusAt: new Date(request.statusAt),
          ...(unconfirmed ? { unconfirmed } : {}),
        });
      }
      return latest;
    },
  };
}

export type Worklist = ReturnType<typeof createWorklist>;
