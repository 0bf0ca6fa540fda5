import { toAuthorizationFacts } from '../platforms/utilityapi/mapping';
import type { UtilityApiAuthorization } from '../platforms/utilityapi/types';
import type { ApplyResult, AuthorizationStore } from '../store/authorizations';

/** Applies a freshly fetched UtilityAPI authorization of a workspace's account as the platform's observation at `now`. */
export function applyUtilityApiAuthorization(
  authorizations: AuthorizationStore,
  authorization: UtilityApiAuthorization,
  options: { workspaceId: string; now: Date; sourceEventId: string },
): Promise<ApplyResult> {
  const facts = toAuthorizationFacts(authorization);
  return authorizations.applyByKey(
    { workspaceId: options.workspaceId, source: 'utilityapi', externalId: facts.externalId },
    {
      event: { kind: 'observed', at: options.now, ...facts },
      customer: { ...facts.customer, utility: facts.utility },
      actor: 'platform',
      sourceEventId: options.sourceEventId,
      now: options.now,
    },
  );
}
