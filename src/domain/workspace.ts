import { DEFAULT_REMINDER_SETTINGS, type ReminderSettings } from './reminders';

/**
 * A workspace: one Slack installation (a team) and everything it owns (DESIGN.md, "Workspace"). Every
 * authorization, request, notice, outbox entry and audit event belongs to exactly one workspace, and
 * nothing reads across workspaces. Single-workspace mode (tokens in env) is one workspace whose
 * defaults come from env.
 */

/**
 * The one workspace of single-workspace mode (tokens in env). With OAuth a workspace's id is its Slack
 * team id (`T…`), so this id can never collide with one.
 */
export const SINGLE_WORKSPACE_ID = 'single';

/** Who may ask customers to reauthorize, besides the rules no setting relaxes (no guests, no strangers). */
export type WhoMayAct =
  | { kind: 'everyone_but_guests' }
  | { kind: 'channel_members' }
  | { kind: 'usergroup'; usergroupId: string };

export const WHO_MAY_ACT_KINDS = ['everyone_but_guests', 'channel_members', 'usergroup'] as const;

/** What an admin sets in the App Home's Settings; unset fields fall back to the env defaults. */
export interface WorkspaceSettings {
  /** Channel id where notices go; null until someone chooses one. */
  alertChannel: string | null;
  whoMayAct: WhoMayAct;
  cooldownHours: number;
  /** Days before expiry when a warning is posted, largest first. */
  expiryWarningDays: number[];
  /** Reminders after the email (src/domain/reminders.ts); absent means the defaults. */
  reminders?: ReminderSettings;
}

export const DEFAULT_WHO_MAY_ACT: WhoMayAct = { kind: 'everyone_but_guests' };

/** Stored overrides over the env defaults: what a workspace chose wins, field by field. */
export const effectiveSettings = (
  defaults: WorkspaceSettings,
  chosen: Partial<WorkspaceSettings> | null | undefined,
): WorkspaceSettings => ({
  alertChannel: chosen?.alertChannel ?? defaults.alertChannel,
  whoMayAct: chosen?.whoMayAct ?? defaults.whoMayAct,
  cooldownHours: chosen?.cooldownHours ?? defaults.cooldownHours,
  expiryWarningDays: chosen?.expiryWarningDays ?? defaults.expiryWarningDays,
  // Only when chosen: a workspace that never chose follows the defaults, even as they change.
  ...(chosen?.reminders || defaults.reminders ? { reminders: chosen?.reminders ?? defaults.reminders } : {}),
});

/** The reminder setting in effect. */
export const remindersOf = (settings: Pick<WorkspaceSettings, 'reminders'>): ReminderSettings =>
  settings.reminders ?? DEFAULT_REMINDER_SETTINGS;
