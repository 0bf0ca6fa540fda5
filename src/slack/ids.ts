/**
 * Every Slack id relink uses: action_ids, block_ids, callback_ids and the slash command.
 * Values are snake_case and must never change once shipped: Slack sends them back in payloads of
 * messages and modals that were built by older versions, and a renamed id silently stops matching.
 */

/**
 * `action_id`s. Buttons are dispatched to listeners by these; input elements reuse the value of their
 * block's id so `view.state.values[BlockId.x][ActionId.x]` reads one field.
 */
export const ActionId = {
  askReauth: 'ask_reauth',
  editRequest: 'edit_request',
  retrySend: 'retry_send',
  /** On a "could not confirm the email" reply: a person chooses to send it again. */
  sendAgain: 'send_again',
  /** On a notice, its thread and the Home while reminders are scheduled: no more reminders (audited). */
  stopReminders: 'stop_reminders',
  /** Opens the next reminder email as the customer would read it. */
  previewReminder: 'preview_reminder',
  customerName: 'customer_name',
  customerEmail: 'customer_email',
  utility: 'utility',
  note: 'note',
  sendAnyway: 'send_anyway',
  homeTab: 'home_tab',
  homePrevious: 'home_previous',
  homeNext: 'home_next',
  homeSearch: 'home_search',
  homeClearSearch: 'home_clear_search',
  /** The App Home's Settings button, shown to admins only (re-checked when clicked). */
  openSettings: 'open_settings',
  settingsAlertChannel: 'settings_alert_channel',
  settingsWhoMayAct: 'settings_who_may_act',
  /** The user group, as a list from usergroups.list or, when that fails, typed as an id. */
  settingsUsergroup: 'settings_usergroup',
  settingsCooldownHours: 'settings_cooldown_hours',
  settingsExpiryWarningDays: 'settings_expiry_warning_days',
  settingsUtilityApiToken: 'settings_utilityapi_token',
  settingsUtilityApiWebhookSecret: 'settings_utilityapi_webhook_secret',
  settingsReminderAfterDays: 'settings_reminder_after_days',
  settingsMaxReminders: 'settings_max_reminders',
  /** Triage (src/domain/triage.ts): "I'm on it", Unassign, Wake up and Reopen buttons; the value says which. */
  triage: 'triage',
  /** The "Snooze…" menu: 1, 3 or 7 days. */
  triageSnooze: 'triage_snooze',
  /** The "Dismiss…" menu: the reason. */
  triageDismiss: 'triage_dismiss',
  /** History on a notice or a list row: opens the authorization's timeline. */
  openHistory: 'open_history',
  historyPrevious: 'history_previous',
  historyNext: 'history_next',
  /** A Home row's "Select" checkbox, keyed by the authorization's id (`bulk_select.<id>`). */
  bulkSelect: 'bulk_select',
  bulkSelectAll: 'bulk_select_all',
  bulkClearSelection: 'bulk_clear_selection',
  /** "Ask N customers to reauthorize…": opens the bulk confirmation modal. */
  bulkAsk: 'bulk_ask',
  bulkNote: 'bulk_note',
} as const;
export type ActionIdValue = (typeof ActionId)[keyof typeof ActionId];

/** `block_id`s of input blocks: keys of `view.state.values` and of `response_action: 'errors'`. */
export const BlockId = {
  customerName: 'customer_name',
  customerEmail: 'customer_email',
  utility: 'utility',
  note: 'note',
  sendAnyway: 'send_anyway',
  /** The reauth form's warning that the customer marked relink's email as spam or unsubscribed. */
  suppressionNotice: 'suppression_notice',
  homeSearch: 'home_search',
  settingsAlertChannel: 'settings_alert_channel',
  settingsWhoMayAct: 'settings_who_may_act',
  settingsUsergroup: 'settings_usergroup',
  settingsCooldownHours: 'settings_cooldown_hours',
  settingsExpiryWarningDays: 'settings_expiry_warning_days',
  settingsUtilityApiToken: 'settings_utilityapi_token',
  settingsUtilityApiWebhookSecret: 'settings_utilityapi_webhook_secret',
  settingsReminderAfterDays: 'settings_reminder_after_days',
  settingsMaxReminders: 'settings_max_reminders',
  bulkNote: 'bulk_note',
} as const;
export type BlockIdValue = (typeof BlockId)[keyof typeof BlockId];

/** `callback_id`s of modals, dispatched to view_submission listeners. */
export const CallbackId = {
  reauthForm: 'reauth_form',
  reauthPreview: 'reauth_preview',
  reauthLoading: 'reauth_loading',
  reauthUnavailable: 'reauth_unavailable',
  requestQueued: 'request_queued',
  /** The next reminder email, read-only. */
  reminderPreview: 'reminder_preview',
  /** Why someone may not act here, and who can: shown instead of whatever they tried. */
  accessRefused: 'access_refused',
  /** The workspace's Settings modal (admins only). */
  workspaceSettings: 'workspace_settings',
  /** After saving, when UtilityAPI was just connected: the webhook URL to paste. */
  settingsSaved: 'settings_saved',
  /** Settings refused to someone who is not an admin, or could not be saved. */
  settingsUnavailable: 'settings_unavailable',
  /** An authorization's timeline (History), paged newest first. */
  authorizationHistory: 'authorization_history',
  /** The bulk ask's confirmation: who is asked, who is skipped and why, one email's preview. */
  bulkConfirm: 'bulk_confirm',
  /** After Send on the bulk confirmation, or why nothing could be asked. */
  bulkStarted: 'bulk_started',
} as const;
export type CallbackIdValue = (typeof CallbackId)[keyof typeof CallbackId];

/** Slash commands; each must also be declared in every manifest. */
export const Command = {
  reauth: '/reauth',
} as const;
export type CommandValue = (typeof Command)[keyof typeof Command];

/** The `value` of the single "Send anyway" checkbox option (BlockId.sendAnyway). */
export const SEND_ANYWAY_OPTION = 'send_anyway';

/**
 * Lists repeat one action per row or tab (every worklist row has an "Ask the utility customer to
 * reauthorize" button, every tab a tab button). Slack wants action_ids unique within a block, and
 * relink's Slack stand-in, stricter, within a whole view or message; so repeated elements carry
 * `<base>.<key>`, and a handler registered as keyed (src/slack/listeners/action-router.ts) receives the
 * base id and every keyed variant alike (the notice's plain `ask_reauth` and the Home's `ask_reauth.3`);
 * `actionIdPattern(base)` matches the same ids.
 */
export const keyedActionId = (base: ActionIdValue, key: string): string => `${base}.${key}`;
export const actionIdPattern = (base: ActionIdValue): RegExp => new RegExp(`^${base}(?:\\.[^.]+)?$`);
