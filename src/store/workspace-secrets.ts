import type { Installation } from '@slack/bolt';
import { RelinkError } from '../domain/errors';
import type { WorkspaceSettings } from '../domain/workspace';
import type { SecretBox } from './secret-box';
import type { WorkspaceDocument } from './workspace-documents';

/** A workspace's UtilityAPI account, decrypted. */
export interface UtilityApiConnection {
  token: string;
  webhookSecret: string;
  /** The unguessable last segment of the workspace's own UtilityAPI webhook URL. */
  webhookPath: string;
  connectedAt: Date;
}

/** One workspace as relink uses it: secrets decrypted. Never log it. */
export interface Workspace {
  id: string;
  teamName: string | null;
  botUserId: string | null;
  installerUserId: string | null;
  installedAt: Date | null;
  uninstalledAt: Date | null;
  /** Bolt's installation (it carries the bot token); null before an OAuth install and after uninstall. */
  installation: Installation | null;
  settings: Partial<WorkspaceSettings>;
  utilityApi: UtilityApiConnection | null;
}

/**
 * What each sealed value of a workspace is sealed for (secret-box.ts authenticates it): a value copied
 * into another workspace's document, or into another field, does not open there.
 */
export const sealedFor = (id: string) => ({
  installation: `workspace:${id}:installation`,
  utilityApiToken: `workspace:${id}:utilityapi-token`,
  utilityApiWebhookSecret: `workspace:${id}:utilityapi-webhook-secret`,
});

/** The box, or the error that says which variable is missing. */
export function sealingBox(box: SecretBox | null): SecretBox {
  if (box) return box;
  throw new RelinkError(
    'encryption_key_missing',
    'RELINK_ENCRYPTION_KEY is not set: workspace tokens and secrets cannot be stored or read',
  );
}

/** A stored workspace with its secrets opened; throws `secret_unreadable` rather than guess. */
export function openWorkspace(doc: WorkspaceDocument, box: SecretBox | null): Workspace {
  const contexts = sealedFor(doc._id);
  const stored = doc.utilityApi;
  return {
    id: doc._id,
    teamName: doc.teamName ?? null,
    botUserId: doc.botUserId ?? null,
    installerUserId: doc.installerUserId ?? null,
    installedAt: doc.installedAt ?? null,
    uninstalledAt: doc.uninstalledAt ?? null,
    installation: doc.installation
      ? (JSON.parse(sealingBox(box).open(doc.installation, contexts.installation)) as Installation)
      : null,
    settings: doc.settings ?? {},
    utilityApi: stored
      ? {
          token: sealingBox(box).open(stored.token, contexts.utilityApiToken),
          webhookSecret: sealingBox(box).open(stored.webhookSecret, contexts.utilityApiWebhookSecret),
          webhookPath: stored.webhookPath,
          connectedAt: stored.connectedAt,
        }
      : null,
  };
}
