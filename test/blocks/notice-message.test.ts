import type { SectionBlock } from '@slack/types';
import { type NoticeCard, noticeMessage, noticeThreadReply } from '../../blocks/notice-message';
import type { AuthorizationState } from '../../src/domain/authorization';
import { ActionId } from '../../src/slack/ids';
import { askReauthValue, retrySendValue } from '../../src/slack/metadata';
import { allText, findButton } from '../support/block-kit';
import { messageProblems } from '../support/block-kit-validator';
import { badLoginNotice } from '../support/notice-data';

const now = new Date('2026-03-12T10:45:00Z');
const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000);

const notice = (over: Partial<NoticeCard> = {}, state: AuthorizationState = 'bad_login'): NoticeCard => ({
  ...badLoginNotice(
    { since: minutesAgo(180) },
    { state, reason: state === 'bad_login' ? 'invalid_credentials' : null, incidentOpen: state !== 'active' },
  ),
  ...over,
});

describe('noticeMessage links', () => {
  it('links back to the App Home when the link is known, in its last line', () => {
    const homeUrl = 'slack://app?team=T0123ABC&id=A0RELINKAPP&tab=home';
    const message = noticeMessage(notice({ homeUrl }), now);
    expect(messageProblems(message)).toEqual([]);
    expect(message.blocks).toHaveLength(noticeMessage(notice(), now).blocks.length);
    expect(allText(message.blocks)).toContain(`<${homeUrl}|Open the worklist in relink>`);
    expect(allText(noticeMessage(notice({ homeUrl: null }), now).blocks)).not.toContain('Open the worklist');
  });
});

describe('noticeMessage', () => {
  it('says who, which utility, what went wrong and since when', () => {
    const message = noticeMessage(notice(), now);
    const text = allText(message.blocks);
    expect(text).toContain("Username and password didn't work");
    expect(text).toContain('Jane Doe');
    expect(text).toContain('PG&amp;E');
    expect(text).toContain('3 hours ago');
    expect(text).toContain('auth-42');
    expect(message.text).toBe("Jane Doe (PG&amp;E): Username and password didn't work");
    expect(messageProblems(message)).toEqual([]);
  });

  it('uses the help page words for an expired authorization', () => {
    const expiresAt = new Date('2025-12-01T00:00:00Z');
    const base = notice({}, 'expired');
    const message = noticeMessage({ ...base, status: { ...base.status, expiresAt } }, now);
    expect(message.text).toContain('This authorization expired 3 months ago');
  });

  it('shows the email masked, never in full', () => {
    const message = noticeMessage(
      notice({
        lastRequest: { status: 'sent', requestedBy: 'U123', at: minutesAgo(3), sentTo: 'jane@example.com' },
      }),
      now,
    );
    const everything = JSON.stringify(message);
    expect(everything).toContain('j***@e***.com');
    expect(everything).not.toContain('jane@example.com');
  });

  it('calls a customer without a name "Unnamed customer"', () => {
    const message = noticeMessage(notice({ customerName: null, customerEmail: null }), now);
    expect(allText(message.blocks)).toContain('Unnamed customer');
    expect(allText(message.blocks)).toContain('No valid email on file');
  });

  it('says "No valid email on file" for a stored address that is not one, and shows none of it', () => {
    const message = noticeMessage(notice({ customerEmail: 'jane at example dot com' }), now);
    expect(allText(message.blocks)).toContain('No valid email on file');
    expect(JSON.stringify(message)).not.toContain('jane');
  });

  it.each(['bad_login', 'expired', 'declined', 'revoked'] as const)(
    'offers "Ask the utility customer to reauthorize" when %s',
    (state) => {
      const message = noticeMessage(notice({}, state), now);
      const button = findButton(message.blocks, ActionId.askReauth);
      expect(button?.text.text).toBe('Ask the utility customer to reauthorize');
      expect(button?.style).toBe('primary');
      expect(askReauthValue.decode(button?.value)).toEqual({ v: 1, authorizationId: 'auth-42' });
      expect(messageProblems(message)).toEqual([]);
    },
  );

  it('offers no button while the platform retries (provider_issue)', () => {
    const message = noticeMessage(notice({}, 'provider_issue'), now);
    expect(findButton(message.blocks, ActionId.askReauth)).toBeUndefined();
    expect(allText(message.blocks)).toContain('Nothing for the customer to do');
  });

  it('turns resolved, without a button, when the customer relinked', () => {
    const message = noticeMessage(notice({ resolvedAt: minutesAgo(5) }, 'active'), now);
    expect(findButton(message.blocks, ActionId.askReauth)).toBeUndefined();
    expect((message.blocks[0] as SectionBlock).text?.text).toBe(
      ':white_check_mark: *Resolved — the customer relinked*',
    );
    expect(message.text).toContain('Resolved — the customer relinked');
    expect(allText(message.blocks)).toContain('5 minutes ago');
  });

  it.each([
    ['queued', 'Sending the email… · requested by <@U123>', '3 minutes ago'],
    ['sent', 'Email sent to j***@e***.com at', '10:42 UTC'],
    ['delivered', 'Email delivered to j***@e***.com', 'requested by <@U123>'],
    ['opened', 'The customer opened the email', '10:42 UTC'],
    ['clicked', 'opened the reauthorization link', '10:42 UTC'],
    ['bounced', 'Email bounced (sent to j***@e***.com) at', '10:42 UTC'],
    ['failed', 'could not be sent', 'retry'],
  ] as const)('shows the last request when %s', (status, words, more) => {
    const message = noticeMessage(
      notice({ lastRequest: { status, requestedBy: 'U123', at: minutesAgo(3), sentTo: 'jane@example.com' } }),
      now,
    );
    expect(allText(message.blocks)).toContain(words);
    expect(allText(message.blocks)).toContain(more);
    expect(findButton(message.blocks, ActionId.askReauth)).toBeDefined();
  });

  it('says an email relink could not confirm as the thread does, not as a failure', () => {
    const lastRequest = {
      status: 'failed' as const,
      requestedBy: 'U123',
      at: minutesAgo(3),
      sentTo: 'jane@example.com',
      unconfirmed: true,
    };
    const text = allText(noticeMessage(notice({ lastRequest }), now).blocks);
    expect(text).toContain('relink could not confirm the email went out: see the thread to send it again');
    expect(text).not.toContain('could not be sent');
  });

  it('says in its headline that the email bounced, and offers to fix the email and send again', () => {
    const lastRequest = {
      status: 'bounced' as const,
      requestedBy: 'U123',
      at: minutesAgo(3),
      sentTo: 'jane@example.com',
      bounceReason: '550 5.1.1 <j***@e***.com>: no such user',
    };
    const message = noticeMessage(notice({ lastRequest }), now);
    const headline = (message.blocks[0] as SectionBlock).text?.text;
    expect(headline).toContain("The reauthorization email bounced: Username and password didn't work");
    expect(message.text).toContain('The reauthorization email bounced');
    expect(allText(message.blocks)).toContain('no such user');
    const button = findButton(message.blocks, ActionId.askReauth);
    expect(button?.text.text).toBe('Fix the email and send again');
    expect(askReauthValue.decode(button?.value)).toEqual({ v: 1, authorizationId: 'auth-42' });
    expect(JSON.stringify(message)).not.toContain('jane@');
    expect(messageProblems(message)).toEqual([]);
  });

  it.each([
    ['spamreport', 'This customer marked our email as spam 2 hours ago'],
    ['unsubscribe', 'This customer unsubscribed from our email 2 hours ago'],
  ] as const)('says the customer asked not to be emailed (%s), keeping the button', (reason, words) => {
    const message = noticeMessage(notice({ suppression: { reason, at: minutesAgo(120) } }), now);
    expect(allText(message.blocks)).toContain(words);
    expect(allText(message.blocks)).toContain("relink won't email this address on its own again");
    expect(findButton(message.blocks, ActionId.askReauth)?.text.text).toBe(
      'Ask the utility customer to reauthorize',
    );
    expect(messageProblems(message)).toEqual([]);
  });

  it('escapes customer data so it cannot mention or link', () => {
    const message = noticeMessage(
      notice({ customerName: '<!channel> Bob', utility: '<https://evil|PG&E>' }),
      now,
    );
    const text = allText(message.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; Bob');
    expect(text).not.toContain('<https://evil');
    expect(message.text).not.toContain('<!channel>');
  });

  it('never mentions anything but a user id', () => {
    const message = noticeMessage(
      notice({ lastRequest: { status: 'queued', requestedBy: '!channel', at: minutesAgo(1) } }),
      now,
    );
    expect(allText(message.blocks)).not.toContain('<@!channel>');
  });
});

describe('noticeThreadReply', () => {
  it('says the state changed, in the headline words', () => {
    const reply = noticeThreadReply(
      {
        kind: 'state_changed',
        status: { state: 'bad_login', reason: 'locked', expiresAt: null, declinedAt: null, revokedAt: null },
      },
      now,
    );
    expect(allText(reply.blocks)).toContain('Account locked after too many attempts');
    expect(messageProblems(reply)).toEqual([]);
  });

  it('says where the email went, masked', () => {
    const reply = noticeThreadReply(
      { kind: 'request_sent', sentTo: 'jane@example.com', at: minutesAgo(3) },
      now,
    );
    expect(reply.text).toBe('Email sent to j***@e***.com');
    expect(allText(reply.blocks)).toContain('10:42 UTC');
    expect(JSON.stringify(reply)).not.toContain('jane@');
  });

  it('asks to fix the address after a bounce, with the reason, and promises no retry on its own', () => {
    const reply = noticeThreadReply(
      { kind: 'request_bounced', sentTo: 'jane@example.com', reason: 'Bounced Address' },
      now,
    );
    const text = allText(reply.blocks);
    expect(text).toContain('Email bounced (sent to j***@e***.com): Bounced Address');
    expect(text).toContain("relink won't send to it again on its own");
    expect(text).toContain('Fix the email and send again');
    expect(JSON.stringify(reply)).not.toContain('jane@');
    expect(messageProblems(reply)).toEqual([]);
  });

  it('says when the customer marked the email as spam, masked', () => {
    const reply = noticeThreadReply(
      { kind: 'request_suppressed', sentTo: 'jane@example.com', reason: 'spamreport' },
      now,
    );
    expect(reply.text).toBe(
      "The customer marked our email as spam: relink won't email j***@e***.com on its own again",
    );
    expect(allText(reply.blocks)).toContain('Send anyway');
    expect(JSON.stringify(reply)).not.toContain('jane@');
  });

  it('offers Retry when the send failed', () => {
    const reply = noticeThreadReply({ kind: 'send_failed', code: 'form_failed', requestId: 'req-7' }, now);
    const retry = findButton(reply.blocks, ActionId.retrySend);
    expect(retrySendValue.decode(retry?.value)).toEqual({ v: 1, requestId: 'req-7' });
  });

  it('says who asked, and that it is resolved', () => {
    expect(allText(noticeThreadReply({ kind: 'request_queued', requestedBy: 'U9' }, now).blocks)).toContain(
      '<@U9>',
    );
    expect(noticeThreadReply({ kind: 'resolved' }, now).text).toBe('Resolved — the customer relinked');
  });
});
