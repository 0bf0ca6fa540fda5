import type { UtilityApiClient } from '../../src/platforms/utilityapi/client';
import type { UtilityApiAccounts } from '../../src/workspaces/utilityapi-accounts';

/** One workspace's UtilityAPI account, for tests that build the ingest or send path without the directory. */
export function singleUtilityApiAccount(
  workspaceId: string,
  client: UtilityApiClient | null,
): UtilityApiAccounts {
  return {
    clientFor: async (id) => (id === workspaceId ? client : null),
    connected: async () => (client ? [workspaceId] : []),
  };
}
