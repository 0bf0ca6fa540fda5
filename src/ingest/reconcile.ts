import type { Logger } from '../logger';
import type { UtilityApiClient } from '../platforms/utilityapi/client';
import { toAuthorizationFacts } from '../platforms/utilityapi/mapping';
import type { AuthorizationStore } from '../store/authorizations';

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
        const facts = toAuthorizationFacts(authorization);
        const result = await deps.authorizations.applyByKey(
          { source: 'utilityapi', externalId: facts.externalId },
          {
            event: { kind: 'observed', at: now, ...facts },
            customer: { ...facts.customer, utility: facts.utility },
            actor: 'platform',
            sourceEventId: 'reconcile',
            now,
          },
        );
        if (result.changed) changed++;
      }
    }
    log.info({ seen, changed }, 'reconcile finished');
    return { seen, changed };
  };
}
