import type { Logger } from '../logger';
import type { AuthorizationStore } from '../store/authorizations';
import type { UtilityApiAccounts } from '../workspaces/utilityapi-accounts';
import { applyUtilityApiAuthorization } from './apply-utilityapi';

/**
 * Pages through every authorization of each connected UtilityAPI account and applies any difference,
 * catching what webhooks missed. Unchanged authorizations write nothing, so a run costs reads, not writes.
 */
export function createUtilityApiReconciler(deps: {
  utilityapi: UtilityApiAccounts;
  authorizations: AuthorizationStore;
  clock: () => Date;
  log: Logger;
}) {
  const log = deps.log.child({ component: 'reconcile' });
  return async function reconcile(): Promise<{ seen: number; changed: number }> {
    let seen = 0;
    let changed = 0;
    for (const workspaceId of await deps.utilityapi.connected()) {
      const client = await deps.utilityapi.clientFor(workspaceId);
      if (!client) continue;
      for await (const page of client.listAuthorizations()) {
        const now = deps.clock();
        for (const authorization of page) {
          seen++;
          const result = await applyUtilityApiAuthorization(deps.authorizations, authorization, {
            workspaceId,
            now,
            sourceEventId: 'reconcile',
          });
          if (result.changed) changed++;
        }
      }
    }
    log.info({ seen, changed }, 'reconcile finished');
    return { seen, changed };
  };
}
