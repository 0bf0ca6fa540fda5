import { sendFailedReply } from '../../blocks/send-failed-message';
import type { RelinkErrorCode } from '../../src/domain/errors';
import { ActionId } from '../../src/slack/ids';
import { retrySendValue } from '../../src/slack/metadata';
import { allText, findButton } from '../support/block-kit';
import { messageProblems } from '../support/block-kit-validator';

describe('sendFailedReply', () => {
  it.each<[RelinkErrorCode, string | undefined, string]>([
    [
      'email_rejected',
      'Does not contain a valid address.',
      'SendGrid refused the email: Does not contain a valid address.',
    ],
    ['email_rejected', undefined, "SendGrid refused the email. Check the customer's email address"],
    ['form_failed', undefined, 'The platform could not create a reauthorization link'],
    ['unexpected', 'socket hang up', 'The reauthorization email could not be sent'],
  ])('explains %s in plain words', (code, message, words) => {
    const reply = sendFailedReply({ code, message, requestId: 'req-1' });
    expect(allText(reply.blocks)).toContain(words);
    expect(reply.text).toContain(words);
    expect(messageProblems(reply)).toEqual([]);
  });

  it('asks to check the address when SendGrid refused the email', () => {
    expect(sendFailedReply({ code: 'email_rejected', requestId: 'r' }).text).toContain('Check the');
  });

  it('does not show details of unknown failures', () => {
    expect(
      allText(
        sendFailedReply({ code: 'unexpected', message: 'ECONNRESET at x.js:1', requestId: 'r' }).blocks,
      ),
    ).not.toContain('ECONNRESET');
  });

  it('offers no Retry when the customer asked not to be emailed: sending anyway is a new request', () => {
    const reply = sendFailedReply({ code: 'email_suppressed', requestId: 'req-s' });
    expect(reply.text).toContain('marked our email as spam or unsubscribed');
    expect(reply.text).toContain('tick Send anyway');
    expect(findButton(reply.blocks, ActionId.retrySend)).toBeUndefined();
    expect(messageProblems(reply)).toEqual([]);
  });

  it('offers Retry carrying the request id', () => {
    const retry = findButton(
      sendFailedReply({ code: 'form_failed', requestId: 'req-9' }).blocks,
      ActionId.retrySend,
    );
    expect(retry?.text.text).toBe('Retry');
    expect(retrySendValue.decode(retry?.value)).toEqual({ v: 1, requestId: 'req-9' });
  });

  it('escapes the detail so it cannot mention anyone', () => {
    const reply = sendFailedReply({ code: 'email_rejected', message: '<!channel> bad', requestId: 'r' });
    expect(allText(reply.blocks)).not.toContain('<!channel>');
  });
});
