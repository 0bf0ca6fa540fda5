import type { Connection } from 'mongoose';
import type { Logger } from '../logger';
import type { StoreListeners } from './listeners';
import { createOAuthStateClaims } from './oauth-state-claims';
import { createSecretBox, type SecretBoxKeys } from './secret-box';
import { createWorkspaceStore } from './workspaces';

// Claims must outlive the OAuth states they record (10 minutes, src/slack/oauth-state.ts); an hour is
// plenty and still keeps the collection tiny.
const KEEP_STATE_CLAIMS_MS = 60 * 60_000;

/**
 * The workspace store and the OAuth state claims, collections created, and every stored secret sealed
 * with the current RELINK_ENCRYPTION_KEY (a rotation finishes here, before anything is served).
 */
export async function openWorkspaceStores(
  connection: Connection,
  encryption: SecretBoxKeys | null,
  log: Logger,
  /** Hear each workspace's settings change (the copy kept in memory). */
  listeners: StoreListeners = {},
) {
  const box = encryption ? createSecretBox(encryption) : null;
  const workspaces = createWorkspaceStore(connection, box, listeners);
  const oauthStateClaims = createOAuthStateClaims(connection, { keepForMs: KEEP_STATE_CLAIMS_MS });
  await Promise.all([workspaces.init(), oauthStateClaims.init()]);
  const rotated = await workspaces.rotateSecrets();
  if (rotated > 0) {
    log.info({ workspaces: rotated }, 'stored secrets re-encrypted with the current RELINK_ENCRYPTION_KEY');
  }
  return { workspaces, oauthStateClaims };
}
