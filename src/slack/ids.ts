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
  customerName: 'customer_name',
  customerEmail: 'customer_email',
  utility: 'utility',
  note: 'note',
  sendAnyway: 'send_anyway',
  homeTab: 'home_tab',
  homePrevious: 'home_previous',
  homeNext: 'home_next',
  homeSearch: 'home_search',
} as const;
export type ActionIdValue = (typeof ActionId)[keyof typeof ActionId];

/** `block_id`s of input blocks: keys of `view.state.values` and of `response_action: 'errors'`. */
export const BlockId = {
  customerName: 'customer_name',
  customerEmail: 'customer_email',
  utility: 'utility',
  note: 'note',
  sendAnyway: 'send_anyway',
  homeSearch: 'home_search',
} as const;
export type BlockIdValue = (typeof BlockId)[keyof typeof BlockId];

/** `callback_id`s of modals, dispatched to view_submission listeners. */
export const CallbackId = {
  reauthForm: 'reauth_form',
  reauthPreview: 'reauth_preview',
  reauthLoading: 'reauth_loading',
  reauthUnavailable: 'reauth_unavailable',
  requestQueued: 'request_queued',
} as const;
export type CallbackIdValue = (typeof CallbackId)[keyof typeof CallbackId];

/** Slash commands; each must also be declared in every manifest. */
export const Command = {
  reauth: '/reauth',
} as const;
export type CommandValue = (typeof Command)[keyof typeof Command];

/** The `value` of the single "Send anyway" checkbox option (BlockId.sendAnyway). */
export const SEND_ANYWAY_OPTION = 'send_anyway';
