import { remindersOf, type WorkspaceSettings } from '../domain/workspace';
import { WORKSPACE_UTILITYAPI_WEBHOOK_PREFIX } from '../http/webhooks';
import type { Logger } from '../logger';
import type { WorkspaceStore } from '../store/workspaces';
import type { WorkspaceDirectory } from './directory';

export interface SettingsServiceDeps {
  store: Pick<WorkspaceStore, 'get' | 'updateSettings' | 'connectUtilityApi'>;
  directory: Pick<WorkspaceDirectory, 'settings' | 'forget'>;
  /** RELINK_ENCRYPTION_KEY is set: UtilityAPI tokens and secrets can be stored (sealed). */
  canStoreSecrets: boolean;
  /** Single-workspace mode with UTILITYAPI_TOKEN in env: that token wins over one saved in Settings. */
  utilityApiFromEnv: boolean;
  /** RELINK_PUBLIC_URL without a trailing slash, or null when relink does not know its address. */
  publicUrl: string | null;
  clock: () => Date;
  log: Logger;
}

/** A workspace's own UtilityAPI webhook: the path always, the whole URL when relink knows its address. */
export interface WebhookAddress {
  path: string;
  url: string | null;
}

export type UtilityApiStatus =
  | { connected: false }
  | { connected: true; connectedAt: Date; webhook: WebhookAddress };

/** What the Settings modal shows: `blocks/settings-view.ts` draws it from this. Never a token or secret. */
export interface SettingsForm {
  workspaceId: string;
  /** What is in effect: the workspace's choices over the env defaults. */
  settings: WorkspaceSettings;
  utilityApi: UtilityApiStatus;
  canStoreSecrets: boolean;
  utilityApiFromEnv: boolean;
}

/** What an admin submitted. A blank token or secret keeps the one stored. */
export interface SettingsChange {
  settings: WorkspaceSettings;
  utilityApi: { token: string | null; webhookSecret: string | null };
}

export type SettingsProblem = 'token_needed' | 'webhook_secret_needed' | 'encryption_key_missing';

export type SaveOutcome =
  | {
      saved: true;
      /** The settings that differ from what was in effect, and were stored. */
      changed: (keyof WorkspaceSettings)[];
      utilityApi: 'unchanged' | 'connected' | 'replaced';
      webhook: WebhookAddress | null;
      /** The alert channel in effect before the save (the team there hears that alerts moved). */
      previousAlertChannel: string | null;
    }
  /** Nothing was written. */
  | { saved: false; problem: SettingsProblem };

const SETTING_KEYS = [
  'alertChannel',
  'whoMayAct',
  'cooldownHours',
  'expiryWarningDays',
  'reminders',
] as const;

/**
 * Each workspace's Settings (DESIGN.md, "Workspace"): what the modal shows, and saving what an admin
 * chose. Who counts as an admin is checked by the Slack side before either is called.
 */
export function createSettingsService(deps: SettingsServiceDeps) {
  const log = deps.log.child({ component: 'settings' });

  const webhookAddress = (webhookPath: string): WebhookAddress => {
    const path = `${WORKSPACE_UTILITYAPI_WEBHOOK_PREFIX}${webhookPath}`;
    return { path, url: deps.publicUrl ? `${deps.publicUrl}${path}` : null };
  };

  return {
    async prepare(workspaceId: string): Promise<SettingsForm> {
      const [settings, workspace] = await Promise.all([
        deps.directory.settings(workspaceId),
        deps.store.get(workspaceId),
      ]);
      const connection = workspace?.utilityApi;
      return {
        workspaceId,
        settings,
        utilityApi: connection
          ? {
              connected: true,
              connectedAt: connection.connectedAt,
              webhook: webhookAddress(connection.webhookPath),
            }
          : { connected: false },
        canStoreSecrets: deps.canStoreSecrets,
        utilityApiFromEnv: deps.utilityApiFromEnv,
      };
    },

    /** Who installed relink in the workspace (OAuth installs), who may change its Settings too. */
    async installerOf(workspaceId: string): Promise<string | null> {
      return (await deps.store.get(workspaceId))?.installerUserId ?? null;
    },

    /**
     * Stores what differs from what is in effect (so untouched fields keep following the env
     * defaults), connects UtilityAPI when a token or secret was given, and makes this process read
     * the workspace afresh. Checked before anything is written, so a refusal changes nothing.
     */
    async save(workspaceId: string, change: SettingsChange, by: { userId: string }): Promise<SaveOutcome> {
      const [current, workspace] = await Promise.all([
        deps.directory.settings(workspaceId),
        deps.store.get(workspaceId),
      ]);
      const stored = workspace?.utilityApi ?? null;
      const { token, webhookSecret } = change.utilityApi;
      const connecting = token !== null || webhookSecret !== null;
      if (connecting && !deps.canStoreSecrets) return { saved: false, problem: 'encryption_key_missing' };
      const credentials = connecting
        ? {
            token: token ?? stored?.token ?? null,
            webhookSecret: webhookSecret ?? stored?.webhookSecret ?? null,
          }
        : null;
      if (credentials && credentials.token === null) return { saved: false, problem: 'token_needed' };
      if (credentials && credentials.webhookSecret === null) {
        return { saved: false, problem: 'webhook_secret_needed' };
      }

      const changed = SETTING_KEYS.filter((key) =>
        key === 'reminders'
          ? !sameReminders(current, change.settings)
          : !sameValue(current[key], change.settings[key]),
      );
      if (changed.length > 0) {
        const patch = Object.fromEntries(changed.map((key) => [key, change.settings[key]]));
        await deps.store.updateSettings(workspaceId, patch as Partial<WorkspaceSettings>);
      }
      let webhook = stored ? webhookAddress(stored.webhookPath) : null;
      if (credentials?.token && credentials.webhookSecret) {
        const { webhookPath } = await deps.store.connectUtilityApi(
          workspaceId,
          { token: credentials.token, webhookSecret: credentials.webhookSecret },
          deps.clock(),
        );
        webhook = webhookAddress(webhookPath);
      }
      deps.directory.forget(workspaceId);
      const utilityApi = !credentials ? 'unchanged' : stored ? 'replaced' : 'connected';
      // Which fields changed, never their values' secrets: the token and secret stay out of every log.
      log.info({ workspaceId, userId: by.userId, changed, utilityApi }, 'workspace settings saved');
      return { saved: true, changed, utilityApi, webhook, previousAlertChannel: current.alertChannel };
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;

/** A change that leaves reminders out (an older modal) keeps them; otherwise compared with what is in effect. */
function sameReminders(current: WorkspaceSettings, chosen: WorkspaceSettings): boolean {
  if (!chosen.reminders) return true;
  const inEffect = remindersOf(current);
  return inEffect.afterDays === chosen.reminders.afterDays && inEffect.max === chosen.reminders.max;
}

/** Equal settings values: whoMayAct by kind and group (stored documents may order keys otherwise). */
function sameValue<K extends keyof WorkspaceSettings>(
  a: WorkspaceSettings[K],
  b: WorkspaceSettings[K],
): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const [x, y] = [a as WorkspaceSettings['whoMayAct'], b as WorkspaceSettings['whoMayAct']];
    const groupOf = (w: WorkspaceSettings['whoMayAct']) => (w.kind === 'usergroup' ? w.usergroupId : null);
    return x.kind === y.kind && groupOf(x) === groupOf(y);
  }
  return a === b;
}
