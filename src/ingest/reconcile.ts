import type { Logger } from '../logger';
import { toAuthorizationFacts } from '../platforms/utilityapi/mapping';
import type { UtilityApiAuthorization } from '../platforms/utilityapi/types';
import type { BatchItem } from '../store/authorization-batch';
import type { ApplyResult, AuthorizationStore } from '../store/authorizations';
import type { SyncStateStore } from '../store/sync-states';
import type { UtilityApiAccounts } from '../workspaces/utilityapi-accounts';

/** How often a first sync logs and stores its progress (the Home shows it). */
const PROGRESS_EVERY_MS = 3_000;

/** A fetched authorization as the platform's observation at `now`, as `applyUtilityApiAuthorization` applies it. */
function batchItem(workspaceId: string, authorization: UtilityApiAuthorization, now: Date): BatchItem {
  const facts = toAuthorizationFacts(authorization);
  return {
    key: { workspaceId, source: 'utilityapi', externalId: facts.externalId },
    options: {
      event: { kind: 'observed', at: now, ...facts },
      customer: { ...facts.customer, utility: facts.utility },
      actor: 'platform',
      sourceEventId: 'reconcile',
      now,
    },
  };
}

export interface ReconcileResult {
  seen: number;
  changed: number;
}

/**
 * Pages through every authorization of each connected UtilityAPI account and applies any difference,
 * catching what webhooks missed. Unchanged authorizations write nothing, so a run costs reads, not writes.
 *
 * The first run for an account (no run has completed for its workspace yet) is its first sync: every
 * authorization is imported, problems that already exist become open incidents, and the publisher
 * shows them as one digest while the import runs (src/slack/digests.ts). Its progress is logged every
 * few seconds and stored for the App Home.
 */
export function createUtilityApiReconciler(deps: {
  utilityapi: UtilityApiAccounts;
  authorizations: AuthorizationStore;
  /** Without it every run is an ordinary reconcile. */
  syncStates?: SyncStateStore;
  clock: () => Date;
  log: Logger;
}) {
  const log = deps.log.child({ component: 'reconcile' });

  /**
   * Applies one page with the store's batched writes (a few round trips for the whole page instead of
   * several per authorization: on the embedded database each round trip costs milliseconds).
   */
  async function applyPage(
    workspaceId: string,
    page: UtilityApiAuthorization[],
    firstSync = false,
  ): Promise<number> {
    const now = deps.clock();
    if (firstSync) await deps.syncStates?.firstSyncPage(workspaceId, now);
    const results = await deps.authorizations.applyMany(page.map((a) => batchItem(workspaceId, a, now)));
    return results.filter((r: ApplyResult) => r.changed).length;
  }

  async function firstSync(
    workspaceId: string,
    pages: AsyncIterable<UtilityApiAuthorization[]>,
  ): Promise<ReconcileResult> {
    const syncStates = deps.syncStates as SyncStateStore;
    const startedAt = deps.clock();
    // UtilityAPI's lists carry no total: the pages are read first (1,000 per call) so progress can say "of N".
    const all: UtilityApiAuthorization[][] = [];
    for await (const page of pages) all.push(page);
    const total = all.reduce((n, page) => n + page.length, 0);
    let done = 0;
    let changed = 0;
    let reportedAt = 0;
    const report = async (force: boolean) => {
      const now = deps.clock();
      if (!force && now.getTime() - reportedAt < PROGRESS_EVERY_MS) return;
      reportedAt = now.getTime();
      log.info({ workspaceId, done, total }, 'first sync: importing');
      await syncStates.importing(workspaceId, { done, total, startedAt, updatedAt: now });
    };
    await syncStates.firstSyncStarted(workspaceId);
    await report(true);
    for (const page of all) {
      changed += await applyPage(workspaceId, page, true);
      done += page.length;
      await report(false);
    }
    const seconds = (deps.clock().getTime() - startedAt.getTime()) / 1000;
    log.info({ workspaceId, seen: total, changed, seconds }, 'first sync finished');
    return { seen: total, changed };
  }

  async function reconcileWorkspace(workspaceId: string): Promise<ReconcileResult | null> {
    const client = await deps.utilityapi.clientFor(workspaceId);
    if (!client) return null;
    if (deps.syncStates && (await deps.syncStates.isFirstSync(workspaceId))) {
      const result = await firstSync(workspaceId, client.listAuthorizations());
      await deps.syncStates.completed(workspaceId, deps.clock());
      return result;
    }
    let seen = 0;
    let changed = 0;
    for await (const page of client.listAuthorizations()) {
      seen += page.length;
      changed += await applyPage(workspaceId, page);
    }
    return { seen, changed };
  }

  return async function reconcile(): Promise<ReconcileResult> {
    let seen = 0;
    let changed = 0;
    for (const workspaceId of await deps.utilityapi.connected()) {
      const result = await reconcileWorkspace(workspaceId);
      seen += result?.seen ?? 0;
      changed += result?.changed ?? 0;
    }
    log.info({ seen, changed }, 'reconcile finished');
    return { seen, changed };
  };
}
