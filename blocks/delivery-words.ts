import type { ContextBlock, KnownBlock } from '@slack/types';
import { timeAgo } from '../src/domain/problem-words';
import type { Suppression } from '../src/domain/suppression';

/*
 * What relink says, wherever people look (notice, Home, `/reauth`, the form), when an email bounced or
 * the customer asked not to be emailed. One place, so every view says the same thing.
 */

/** The button that replaces "Ask the utility customer to reauthorize" once the email bounced. */
export const FIX_EMAIL_LABEL = 'Fix the email and send again';

/** The notice's headline while the latest email bounced. */
export const EMAIL_BOUNCED_HEADLINE = 'The reauthorization email bounced';

/** A suppressed address in one line: who asked what, when, and what relink does about it. */
export function suppressionWords(suppression: Suppression, now: Date): string {
  const what =
    suppression.reason === 'spamreport' ? 'marked our email as spam' : 'unsubscribed from our email';
  return `:no_entry_sign: This customer ${what} ${timeAgo(suppression.at, now)}: relink won't email this address on its own again.`;
}

/** A list row (Home) with the suppression said beside its request status: no extra block per row. */
export function withSuppressionWords(
  row: KnownBlock[],
  suppression: Suppression | undefined,
  now: Date,
): KnownBlock[] {
  const status = row.find((b): b is ContextBlock => b.type === 'context');
  if (suppression) status?.elements.push({ type: 'mrkdwn', text: suppressionWords(suppression, now) });
  return row;
}
