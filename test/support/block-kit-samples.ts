import type { KnownBlock, ModalView, PlainTextElement } from '@slack/types';

/** Small Block Kit pieces shaped like relink's, for the tests of the validator and the Slack stand-in. */

export const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text });

export const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

export const button = (o: { text?: string; actionId?: string; value?: string } = {}) => ({
  type: 'button' as const,
  text: plain(o.text ?? 'Ask the utility customer to reauthorize'),
  action_id: o.actionId ?? 'ask_reauth',
  ...(o.value !== undefined ? { value: o.value } : {}),
});

export const actions = (...elements: ReturnType<typeof button>[]): KnownBlock => ({
  type: 'actions',
  elements,
});

export const input = (blockId: string, actionId: string): KnownBlock => ({
  type: 'input',
  block_id: blockId,
  label: plain('Customer email'),
  element: { type: 'email_text_input', action_id: actionId },
});

/** The reauth form's shape; `over` replaces any field, including with `undefined`. */
export const modal = (over: Record<string, unknown> = {}): ModalView => ({
  type: 'modal',
  callback_id: 'reauth_form',
  title: plain('Reauthorize'),
  submit: plain('Send Update Request'),
  close: plain('Cancel'),
  blocks: [input('email', 'email_value')],
  ...over,
});

/** A notice's fallback text and blocks, with a button carrying a value. */
export const noticeContent = () => ({
  text: 'Ada Lovelace: Username and password didn’t work',
  blocks: [section('*Ada Lovelace* · PG&E'), actions(button({ value: '{"v":1,"id":"a1"}' }))],
});
