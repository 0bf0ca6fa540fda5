import { RelinkError } from '../domain/errors';
import { effectiveSettings, SINGLE_WORKSPACE_ID, type WorkspaceSettings } from '../domain/workspace';
import type { UtilityApiClient } from '../platforms/utilityapi/client';
import type { Workspace, WorkspaceStore } from '../store/workspaces';
import type { UtilityApiAccounts } from './utilityapi-accounts';

export interface WorkspaceDirectoryDeps {
  /** Single-workspace mode (tokens in env) or OAuth (each workspace installed through Slack). */
  mode: 'single' | 'oauth';
  store: WorkspaceStore;
  /** What a workspace has not chosen in Settings: the env variables' values. */
  defaults: WorkspaceSettings;
  /** Single-workspace mode's env tokens; null with OAuth. */
  env: { botToken: string | null; utilityapi: UtilityApiClient | null };
  utilityApiClient: (token: string) => UtilityApiClient;
  /** How long a workspace read is reused: publishing reads it per outbox entry. */
  cacheMs?: number;
  /**
   * What each workspace chose in Settings, kept in memory (settings-in-memory.ts): settings are then
   * answered without a read. Without it they are read (and reused for `cacheMs`).
   */
  chosenSettings?: (workspaceId: string) => Partial<WorkspaceSettings> | undefined;
}

/**
 * Where each workspace's settings, Slack token and UtilityAPI account come from, the same way in both
 * modes: single-workspace mode is one workspace whose defaults and tokens come from env, and whose
 * Settings (kept in the workspace store under {@link SINGLE_WORKSPACE_ID}) override them.
 */
export function createWorkspaceDirectory(deps: WorkspaceDirectoryDeps) {
  const cacheMs = deps.cacheMs ?? 5_000;
  const cached = new Map<string, { at: number; workspace: Promise<Workspace | null> }>();
  const clients = new Map<string, UtilityApiClient>();

  function read(workspaceId: string): Promise<Workspace | null> {
    const hit = cached.get(workspaceId);
    if (hit && Date.now() - hit.at < cacheMs) return hit.workspace;
    const workspace = deps.store.get(workspaceId);
    cached.set(workspaceId, { at: Date.now(), workspace });
    workspace.catch(() => cached.delete(workspaceId));
    return workspace;
  }

  const installed = (workspace: Workspace | null): workspace is Workspace =>
    workspace !== null && workspace.uninstalledAt === null && workspace.installation !== null;

  const clientFor = (token: string) => {
    let client = clients.get(token);
    if (!client) {
      client = deps.utilityApiClient(token);
      clients.set(token, client);
    }
    return client;
  };

  const utilityapi: UtilityApiAccounts = {
    async clientFor(workspaceId) {
      if (deps.mode === 'single') {
        if (workspaceId !== SINGLE_WORKSPACE_ID) return null;
        if (deps.env.utilityapi) return deps.env.utilityapi;
      }
      const workspace = await read(workspaceId);
      if (deps.mode === 'oauth' && !installed(workspace)) return null;
      return workspace?.utilityApi ? clientFor(workspace.utilityApi.token) : null;
    },
    async connected() {
      if (deps.mode === 'single') {
        return (await utilityapi.clientFor(SINGLE_WORKSPACE_ID)) ? [SINGLE_WORKSPACE_ID] : [];
      }
      return (await deps.store.listActive()).filter((w) => w.utilityApi).map((w) => w.id);
    },
  };

  return {
    utilityapi,

    /**
     * The workspace of an installation's team (as Slack's `authorize` found it): the one workspace in
     * single-workspace mode (other teams are refused before this is asked), the team itself with OAuth.
     */
    workspaceOfTeam(teamId: string | undefined): string {
      if (deps.mode === 'single') return SINGLE_WORKSPACE_ID;
      if (!teamId) throw new RelinkError('slack_payload_invalid', 'the request names no installed team');
      return teamId;
    },

    /** The settings as stored (reused for `cacheMs`), even with a copy in memory: for checks on submit. */
    async storedSettings(workspaceId: string): Promise<WorkspaceSettings> {
      return effectiveSettings(deps.defaults, (await read(workspaceId))?.settings);
    },

    async settings(workspaceId: string): Promise<WorkspaceSettings> {
      const chosen = deps.chosenSettings
        ? deps.chosenSettings(workspaceId)
        : (await read(workspaceId))?.settings;
      return effectiveSettings(deps.defaults, chosen);
    },

    /** Every expiry-warning threshold in use: the defaults and what any workspace chose. */
    async expiryWarningDaysInUse(): Promise<number[]> {
      const chosen = await deps.store.listSettings();
      return [
        ...new Set([...deps.defaults.expiryWarningDays, ...chosen.flatMap((s) => s.expiryWarningDays ?? [])]),
      ];
    },

    /** The bot token relink posts with in this workspace; null once it uninstalled relink. */
    async botToken(workspaceId: string): Promise<string | null> {
      if (deps.mode === 'single') return workspaceId === SINGLE_WORKSPACE_ID ? deps.env.botToken : null;
      const workspace = await read(workspaceId);
      return installed(workspace) ? (workspace.installation?.bot?.token ?? null) : null;
    },

    /** The workspace and secret behind a workspace's own UtilityAPI webhook URL. */
    async accountAt(webhookPath: string): Promise<{ workspaceId: string; secret: string } | null> {
      const workspace = await deps.store.findByWebhookPath(webhookPath);
      if (!workspace?.utilityApi) return null;
      if (deps.mode === 'oauth' && !installed(workspace)) return null;
      return { workspaceId: workspace.id, secret: workspace.utilityApi.webhookSecret };
    },

    /** Drops what this process remembers of a workspace: after its settings changed, or it left. */
    forget(workspaceId: string): void {
      cached.delete(workspaceId);
    },

    /**
     * The workspace removed relink (app_uninstalled, tokens_revoked): its tokens are deleted, and this
     * process forgets it at once, so nothing is posted with a revoked token while a cached read lives on.
     */
    async markUninstalled(workspaceId: string, now: Date): Promise<boolean> {
      const known = await deps.store.markUninstalled(workspaceId, now);
      cached.delete(workspaceId);
      return known;
    },
  };
}

export type WorkspaceDirectory = ReturnType<typeof createWorkspaceDirectory>;
