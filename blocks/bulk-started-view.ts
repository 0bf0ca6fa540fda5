import type { ModalView } from '@slack/types';
import { CallbackId } from '../src/slack/ids';
import { clip, formatCount } from './text';

/** Replaces the confirmation after Send (the first or a repeated one): the requests go out in the background. */
export function bulkStartedView(total: number): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackId.bulkStarted,
    title: { type: 'plain_text', text: 'Requests queued' },
    close: { type: 'plain_text', text: 'Done' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:outbox_tray: Asking *${formatCount(total)}* ${total === 1 ? 'customer' : 'customers'} to reauthorize. Your App Home shows the progress, and the alert channel gets a summary once every email is sent.`,
        },
      },
    ],
  };
}

/** Why the bulk ask could not go ahead, in plain words (a failure of relink's, or an expired plan). */
export function bulkUnavailableView(words: string): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackId.bulkStarted,
    title: { type: 'plain_text', text: 'Ask customers' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'plain_text', text: clip(words, 3000) } }],
  };
}
