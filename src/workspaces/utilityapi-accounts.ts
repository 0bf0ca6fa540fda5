import type { UtilityApiClient } from '../platforms/utilityapi/client';

/**
 * Each workspace's UtilityAPI account: the client that reads its authorizations and creates its
 * reauthorization forms. A workspace without a connection has no client: its events wait.
 */
export interface UtilityApiAccounts {
  clientFor(workspaceId: string): Promise<UtilityApiClient | null>;
  /** Every workspace with a connected account, for the reconcile job. */
  connected(): Promise<string[]>;
}

/** Single-workspace mode: the one account whose token is in env (UTILITYAPI_TOKEN), if any. */
export function singleUtilityApiAccount(
  workspaceId: string,
  client: UtilityApiClient | null,
): UtilityApiAccounts {
  return {
    clientFor: async (id) => (id === workspaceId ? client : null),
    connected: async () => (client ? [workspaceId] : []),
  };
}
