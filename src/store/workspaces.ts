import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/bolt';
import type { Connection } from 'mongoose';
import { RelinkError } from '../domain/errors';
import type { WorkspaceSettings } from '../domain/workspace';
import { isDuplicateKey } from './duplicate-key';
import type { StoreListeners } from './listeners';
import type { SecretBox } from './secret-box';
import { type WorkspaceDocument, workspaceModels } from './workspace-documents';
import { openWorkspace, sealedFor, sealingBox, type Workspace } from './workspace-secrets';

export type { UtilityApiConnection, Workspace } from './workspace-secrets';

export type WorkspaceStore = ReturnType<typeof createWorkspaceStore>;

/** What one workspace chose in Settings; what it did not choose follows the env defaults. */
export interface ChosenSettings {
  workspaceId: string;
  settings: Partial<WorkspaceSettings>;
}

// 32 random bytes, base64url: what connectUtilityApi issues, so anything else is refused unread.
const WEBHOOK_PATH = /^[A-Za-z0-9_-]{43}$/;

/**
 * Workspaces (DESIGN.md, "Workspace"): one document per installation, `_id` the Slack team id. Every
 * hot-path read is by `_id` (FerretDB indexes nothing else). `box` seals the tokens and secrets; it is
 * null when RELINK_ENCRYPTION_KEY is unset, and then only settings can be kept.
 */
export function createWorkspaceStore(
  connection: Connection,
  box: SecretBox | null,
  listeners: StoreListeners = {},
) {
  const { Workspace: Workspaces, WebhookPath, ensureIndexes } = workspaceModels(connection);

  const needBox = () => sealingBox(box);
  const toWorkspace = (doc: WorkspaceDocument) => openWorkspace(doc, box);

  const read = async (workspaceId: string): Promise<WorkspaceDocument | null> =>
    Workspaces.findById(workspaceId).lean<WorkspaceDocument>();

  async function everySettings(): Promise<ChosenSettings[]> {
    const docs = await Workspaces.find({}, { settings: 1 }).lean<
      Pick<WorkspaceDocument, '_id' | 'settings'>[]
    >();
    return docs.map((d) => ({ workspaceId: d._id, settings: d.settings ?? {} }));
  }

  async function get(workspaceId: string): Promise<Workspace | null> {
    const doc = await read(workspaceId);
    return doc ? toWorkspace(doc) : null;
  }

  // An upsert racing another for a new _id can lose with a duplicate key on MongoDB; the retry updates.
  async function upsert(workspaceId: string, update: Record<string, unknown>): Promise<void> {
    const write = () => Workspaces.updateOne({ _id: workspaceId }, update, { upsert: true });
    await write().catch((err: unknown) => {
      if (isDuplicateKey(err)) return write();
      throw err;
    });
  }

  // Fields a new document needs that the write at hand does not set.
  const blank = (except: string[]) =>
    Object.fromEntries(
      Object.entries({
        teamName: null,
        botUserId: null,
        installerUserId: null,
        installedAt: null,
        uninstalledAt: null,
        installation: null,
        settings: {},
        utilityApi: null,
      }).filter(([key]) => !except.includes(key)),
    );

  return {
    init: ensureIndexes,
    get,

    /** The workspace whose UtilityAPI webhook URL ends in `path`, or null: two `_id` reads. */
    async findByWebhookPath(path: string): Promise<Workspace | null> {
      if (!WEBHOOK_PATH.test(path)) return null;
      const entry = await WebhookPath.findById(path).lean();
      if (!entry) return null;
      const workspace = await get(entry.workspaceId);
      // A path left behind by a reconnect or an uninstall no longer matches the workspace's own.
      return workspace?.utilityApi?.webhookPath === path ? workspace : null;
    },

    /** Workspaces installed through OAuth and not uninstalled since. */
    async listActive(): Promise<Workspace[]> {
      const docs = await Workspaces.find({ uninstalledAt: null, installedAt: { $ne: null } }).lean<
        WorkspaceDocument[]
      >();
      return docs.filter((d) => d.installation !== null).map(toWorkspace);
    },

    /** Every workspace's chosen settings (one small document each; nothing is decrypted). */
    async listSettings(): Promise<Partial<WorkspaceSettings>[]> {
      return (await everySettings()).map((w) => w.settings);
    },

    /** Every workspace's chosen settings by its id, in one read (what the copy in memory loads). */
    everySettings,

    /**
     * Stores an OAuth install (or a reinstall, which clears `uninstalledAt` and keeps settings). Only
     * the first installer is kept: the installer may change Settings, and on many Slack plans any member
     * may reinstall an approved app, so a reinstall must not make its member an admin.
     */
    async saveInstallation(installation: Installation, now: Date): Promise<void> {
      const teamId = installation.team?.id;
      if (installation.isEnterpriseInstall || !teamId) {
        throw new RelinkError(
          'slack_payload_invalid',
          'an org-wide Enterprise Grid installation has no team: relink installs one workspace at a time',
        );
      }
      const fields = {
        teamName: installation.team?.name ?? null,
        botUserId: installation.bot?.userId ?? null,
        installedAt: now,
        uninstalledAt: null,
        installation: needBox().seal(JSON.stringify(installation), sealedFor(teamId).installation),
        updatedAt: now,
      };
      await upsert(teamId, { $set: fields, $setOnInsert: blank(Object.keys(fields)) });
      // Not $setOnInsert alone: a workspace whose settings were saved before its first install exists
      // already, with no installer. The condition also lets only one of two first installs win.
      await Workspaces.updateOne(
        { _id: teamId, installerUserId: null },
        { $set: { installerUserId: installation.user.id } },
      );
    },

    /**
     * The app was uninstalled or its bot token revoked: the Slack tokens and the UtilityAPI credentials
     * are deleted (relink should hold nothing of a workspace that removed it); settings stay for a
     * reinstall. False when relink never knew the workspace.
     */
    async markUninstalled(teamId: string, now: Date): Promise<boolean> {
      const doc = await read(teamId);
      if (!doc) return false;
      await Workspaces.updateOne(
        { _id: teamId },
        { $set: { installation: null, utilityApi: null, uninstalledAt: now, updatedAt: now } },
      );
      const path = doc.utilityApi?.webhookPath;
      if (path) await WebhookPath.deleteOne({ _id: path });
      return true;
    },

    /** Sets the given settings, leaving the others as they were. */
    async updateSettings(workspaceId: string, patch: Partial<WorkspaceSettings>): Promise<void> {
      const given = Object.entries(patch).filter(([, value]) => value !== undefined);
      const set = Object.fromEntries(given.map(([key, value]) => [`settings.${key}`, value]));
      await upsert(workspaceId, {
        $set: { ...set, updatedAt: new Date() },
        // `settings.<field>` and `settings` in one update would conflict.
        $setOnInsert: blank(Object.keys(set).length > 0 ? ['settings'] : []),
      });
      listeners.settingsChanged?.(workspaceId, Object.fromEntries(given) as Partial<WorkspaceSettings>);
    },

    /**
     * Stores the workspace's UtilityAPI token and webhook secret, sealed. The webhook path is issued on
     * the first connect and kept on later ones, so a new token does not change the URL to paste.
     */
    async connectUtilityApi(
      workspaceId: string,
      credentials: { token: string; webhookSecret: string },
      now = new Date(),
    ): Promise<{ webhookPath: string }> {
      const sealer = needBox();
      const doc = await read(workspaceId);
      if (doc?.uninstalledAt && !doc.installation) {
        throw new RelinkError('workspace_uninstalled', `workspace ${workspaceId} uninstalled relink`);
      }
      let webhookPath = doc?.utilityApi?.webhookPath;
      if (!webhookPath) {
        webhookPath = randomBytes(32).toString('base64url');
        // Inserted first: until the workspace points at it, findByWebhookPath ignores it.
        await WebhookPath.create({ _id: webhookPath, workspaceId, createdAt: now });
      }
      const contexts = sealedFor(workspaceId);
      const utilityApi = {
        token: sealer.seal(credentials.token, contexts.utilityApiToken),
        webhookSecret: sealer.seal(credentials.webhookSecret, contexts.utilityApiWebhookSecret),
        webhookPath,
        connectedAt: now,
      };
      await upsert(workspaceId, {
        $set: { utilityApi, updatedAt: now },
        $setOnInsert: blank(['utilityApi']),
      });
      return { webhookPath };
    },

    /**
     * Seals again, with the current key, every value sealed with the previous one; returns how many
     * workspaces changed. Run at start rather than lazily on the next write, so once a start with the
     * new key has succeeded the previous key can go, even for workspaces nobody touched since (one
     * small document each). Every stored secret is opened on the way, so a wrong key fails the start
     * loudly instead of failing each workspace later.
     */
    async rotateSecrets(): Promise<number> {
      // Without a key there is nothing to rotate to (and no OAuth); sealed values wait for one.
      if (!box) return 0;
      const docs = await Workspaces.find({}).lean<WorkspaceDocument[]>();
      let rotated = 0;
      for (const doc of docs) {
        const sealed = [doc.installation, doc.utilityApi?.token, doc.utilityApi?.webhookSecret];
        const present = sealed.filter((s): s is string => typeof s === 'string');
        if (present.length === 0) continue;
        const sealer = box;
        const workspace = toWorkspace(doc);
        if (!present.some((s) => sealer.isStale(s))) continue;
        const contexts = sealedFor(doc._id);
        const set: Record<string, unknown> = {};
        if (workspace.installation) {
          set.installation = sealer.seal(JSON.stringify(workspace.installation), contexts.installation);
        }
        if (workspace.utilityApi && doc.utilityApi) {
          set['utilityApi.token'] = sealer.seal(workspace.utilityApi.token, contexts.utilityApiToken);
          set['utilityApi.webhookSecret'] = sealer.seal(
            workspace.utilityApi.webhookSecret,
            contexts.utilityApiWebhookSecret,
          );
        }
        await Workspaces.updateOne({ _id: doc._id }, { $set: set });
        rotated += 1;
      }
      return rotated;
    },
  };
}
