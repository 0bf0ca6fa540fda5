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

/**
 * Applies many freshly fetched authorizations of one workspace's account at once, with a few batched
 * writes in all (AuthorizationStore.applyMany); results are in the order of `authorizations`.
 */
export function applyUtilityApiAuthorizations(
  authorizations: AuthorizationStore,
  fetched: { authorization: UtilityApiAuthorization; sourceEventId: string }[],
  options: { workspaceId: string; now: Date },
): Promise<ApplyResult[]> {
  return authorizations.applyMany(
    fetched.map(({ authorization, sourceEventId }) => {
      const facts = toAuthorizationFacts(authorization);
      return {
        key: {
          workspaceId: options.workspaceId,
          source: 'utilityapi' as const,
          externalId: facts.externalId,
        },
        options: {
          event: { kind: 'observed' as const, at: options.now, ...facts },
          customer: { ...facts.customer, utility: facts.utility },
          actor: 'platform',
          sourceEventId,
          now: options.now,
        },
      };
    }),
  );
}
