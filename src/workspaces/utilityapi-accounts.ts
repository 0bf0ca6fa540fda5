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
