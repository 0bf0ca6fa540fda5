import { ActionId } from '../src/slack/ids';
import { retrySendValue } from '../src/slack/metadata';
import { maskedEmail } from './customer-email';
import type { SlackMessage } from './slack-message';

/** The button a person clicks to send an email whose first try relink could not confirm. */
export const SEND_AGAIN_LABEL = 'Send again';

/**
 * The thread reply when relink cannot tell whether the reauthorization email went out: SendGrid did
 * not answer, and did not report it within the wait. Said plainly, with one click to send it again:
 * relink never sends a second email on its own when the first may have arrived.
 */
export function sendUnconfirmedReply(input: { requestId: string; sentTo: string }): SlackMessage {
  const to = maskedEmail(input.sentTo);
  const words =
    `relink could not confirm that the reauthorization email to ${to} was sent. ` +
    'SendGrid did not answer and has not reported it since, so the customer may or may not have it. ' +
    'Check with the customer, or send it again.';
  return {
    text: `relink could not confirm that the reauthorization email to ${to} was sent`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:grey_question: ${words}` } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ActionId.sendAgain,
            text: { type: 'plain_text', text: SEND_AGAIN_LABEL },
            // The same value as Retry's: both name the request to queue again.
            value: retrySendValue.encode({ v: 1, requestId: input.requestId }),
          },
        ],
      },
    ],
  };
}
