import type { ModalView } from '@slack/types';
import { CallbackId } from '../src/slack/ids';
import { clip, escapeMrkdwn } from './text';

export interface QueuedRequest {
  customerName: string;
  email: string;
}

/** Replaces the preview after Send: the request is recorded and the email goes out in the background. */
export function requestQueuedView(q: QueuedRequest): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackId.requestQueued,
    title: { type: 'plain_text', text: 'Request queued' },
    close: { type: 'plain_text', text: 'Done' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:outbox_tray: The reauthorization request to *${escapeMrkdwn(clip(q.customerName, 150))}* (${escapeMrkdwn(clip(q.email, 254))}) is queued.`,
        },
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: "The notice in the channel will show when it's sent." }],
      },
    ],
  };
}
