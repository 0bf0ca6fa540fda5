import { formatDay, timeUntil } from '../src/domain/problem-words';
import type { NoticeData } from '../src/reauth/notice-data';
import { customerEmailWords } from './customer-email';
import type { SlackMessage } from './slack-message';
import { clip, escapeMrkdwn } from './text';

/** Who the warning is about, as the notice service reads it, and when the authorization expires. */
export type ExpiryWarning = Pick<
  NoticeData,
  'authorizationId' | 'customerName' | 'customerEmail' | 'utility'
> & {
  expiresAt: Date;
};

/**
 * "This authorization expires in 7 days": a heads-up, not an incident, so no button: the customer
 * has nothing to fix yet, and relink opens an incident (with the button) if it does expire.
 */
export function expiryWarningMessage(w: ExpiryWarning, now: Date): SlackMessage {
  const name = escapeMrkdwn(clip(w.customerName?.trim() || 'Unnamed customer', 150));
  const utility = escapeMrkdwn(clip(w.utility, 100));
  const when = `${timeUntil(w.expiresAt, now)} (${formatDay(w.expiresAt)})`;
  const who = `${customerEmailWords(w.customerEmail)} · authorization ${escapeMrkdwn(clip(w.authorizationId, 200))}`;
  return {
    text: `${name}: the ${utility} authorization expires ${when}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:hourglass: *${name}* · ${utility}\nThis authorization expires ${when}.`,
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: who }] },
    ],
  };
}
