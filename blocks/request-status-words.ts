import type { RequestStatus } from '../src/domain/reauth-request';
import { NO_RESPONSE_WORDS } from './reminder-messages';
import { sendProblemWords } from './send-problem-words';

/**
 * What each status of a reauthorization request is called: the same words on the notice, in its
 * thread, on the Home and in `/reauth` (which shows Home rows). Each place adds when, by whom and to
 * whom around them; none words a status its own way.
 */
export function requestStatusPhrase(status: RequestStatus, unconfirmed = false): string {
  switch (status) {
    case 'queued':
      return 'Sending the email';
    case 'sent':
      return 'Email sent';
    case 'delivered':
      return 'Email delivered';
    case 'opened':
      return 'The customer opened the email';
    case 'clicked':
      return 'The customer opened the reauthorization link';
    case 'bounced':
      return 'Email bounced';
    case 'failed':
      return sendProblemWords(unconfirmed).what;
    case 'completed':
      return 'The customer relinked';
    case 'superseded':
      return 'Replaced by a newer request';
    case 'no_response':
      return NO_RESPONSE_WORDS;
  }
}
