import type { KnownBlock } from '@slack/types';
import type { RelinkErrorCode } from '../src/domain/errors';
import { ActionId } from '../src/slack/ids';
import { retrySendValue } from '../src/slack/metadata';
import type { SlackMessage } from './slack-message';
import { clip, escapeMrkdwn } from './text';

export interface SendFailure {
  /** The RelinkError code of the failure. */
  code: RelinkErrorCode;
  /** A short, already user-safe detail (e.g. SendGrid's reason); never a stack trace or raw response. */
  message?: string;
  requestId: string;
}

/** The thread reply when a reauth email could not be sent: what went wrong, in plain words, and Retry. */
export function sendFailedReply(failure: SendFailure): SlackMessage {
  const words = failureWords(failure);
  const retry: KnownBlock = {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: ActionId.retrySend,
        text: { type: 'plain_text', text: 'Retry' },
        value: retrySendValue.encode({ v: 1, requestId: failure.requestId }),
      },
    ],
  };
  return {
    text: escapeMrkdwn(words),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:x: ${escapeMrkdwn(words)}` } },
      // Retrying would be refused the same way: sending anyway is a new, deliberate request.
      ...(failure.code === 'email_suppressed' ? [] : [retry]),
    ],
  };
}

function failureWords({ code, message }: SendFailure): string {
  switch (code) {
    case 'email_rejected': {
      const detail = message?.trim().replace(/[.\s]+$/, '');
      return detail
        ? `SendGrid refused the email: ${clip(detail, 300)}. Check the customer's email address, then retry.`
        : "SendGrid refused the email. Check the customer's email address, then retry.";
    }
    case 'email_suppressed':
      return (
        'The customer marked our email as spam or unsubscribed after this request was made, so relink did not send it. ' +
        'To send anyway, click the button on the notice again and tick Send anyway.'
      );
    case 'form_failed':
      return 'The platform could not create a reauthorization link, so no email was sent. Retry in a few minutes.';
    default:
      return 'The reauthorization email could not be sent. Retry in a few minutes.';
  }
}
