/**
 * What a request whose email did not certainly go out says, in the same words on the notice, its Home row
 * and `/reauth` (the thread's reply says it at length, with the button): a failure offers Retry, an
 * email relink could not confirm offers Send again (src/domain/reauth-request.ts, isUnconfirmedFailure).
 */
export function sendProblemWords(unconfirmed: boolean): { what: string; todo: string } {
  return unconfirmed
    ? { what: 'relink could not confirm the email went out', todo: 'send it again' }
    : { what: 'The email could not be sent', todo: 'retry' };
}
