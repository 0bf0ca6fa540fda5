import type { Logger } from '../logger';
import type { UtilityApiClient } from '../platforms/utilityapi/client';
import type { AuthorizationStore } from '../store/authorizations';
import { applyUtilityApiAuthorization } from './apply-utilityapi';

/**
 * Pages through every UtilityAPI authorization and applies any difference, catching what webhooks
 * missed. Unchanged authorizations write nothing, so a run costs reads, not writes.
 */
export function createUtilityApiReconciler(deps: {
  utilityapi: UtilityApiClient;
  authorizations: AuthorizationStore;
  clock: () => Date;
  log: Logger;
}) {
  const log = deps.log.child({ component: 'reconcile' });
  return async function reconcile(): Promise<{ seen: number; changed: number }> {
    let seen = 0;
    let changed = 0;
    for await (const page of deps.utilityapi.listAuthorizations()) {
      const now = deps.clock();
      for (const authorization of page) {
        seen++;
        const result = await applyUtilityApiAuthorization(deps.authorizations, authorization, {
          now,
          sourceEventId: 'reconcile',
        });
        if (result.changed) changed++;
      }
    }
    log.info({ seen, changed }, 'reconcile finished');
    return { seen, changed };
  };
}
