import { effectNoticeMessage, effectThreadReply } from '../../blocks/notice-effect-messages';
import { ASK_REAUTH_LABEL, RESOLVED_WORDS } from '../../blocks/notice-message';
import type { OutboxEffect } from '../../src/domain/reauth-request';
import type { NoticeData } from '../../src/reauth/notice-data';
import { ActionId } from '../../src/slack/ids';
import { retrySendValue } from '../../src/slack/metadata';
import { allText, findButton } from '../support/block-kit';
import { messageProblems } from '../support/block-kit-validator';
import { badLoginNotice } from '../support/notice-data';

const now = new Date('2026-03-12T10:45:00Z');
const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000);

const data = (over: Partial<NoticeData['status']> = {}): NoticeData =>
  badLoginNotice({ since: minutesAgo(180) }, over);

// What the outbox hands back: effects are stored as Mixed, so a date may come back as a string.
const stored = <T extends OutboxEffect>(effect: T, dates: Record<string, string>): T =>
  ({ ...effect, ...dates }) as T;

const everyEffect: OutboxEffect[] = [
  { type: 'incident.opened', state: 'bad_login', reason: 'locked', since: now },
  { type: 'incident.changed', from: 'bad_login', to: 'expired', reason: null },
  { type: 'incident.resolved', from: 'expired' },
  { type: 'expiry.warning', days: 7, expiresAt: new Date('2026-03-19T10:45:00Z') },
  { type: 'request.queued', requestId: 'r1', requestedBy: 'U9' },
  { type: 'request.sent', requestId: 'r1', sentTo: 'jane@example.com', at: now },
  { type: 'request.bounced', requestId: 'r1', sentTo: 'jane@example.com' },
  { type: 'request.bounced', requestId: 'r1', sentTo: 'jane@example.com', reason: '550 no such user' },
  { type: 'request.suppressed', requestId: 'r1', sentTo: 'jane@example.com', reason: 'unsubscribe' },
  { type: 'request.failed', requestId: 'r1', code: 'form_failed', message: null },
  { type: 'request.unconfirmed', requestId: 'r1', sentTo: 'jane@example.com' },
];

it.each(everyEffect.map((effect) => [effect.type, effect] as const))(
  'draws a valid card and thread reply for %s',
  (_type, effect) => {
    expect(messageProblems(effectNoticeMessage(effect, data(), now, now))).toEqual([]);
    expect(messageProblems(effectThreadReply(effect, data(), now))).toEqual([]);
  },
);

describe('effectNoticeMessage', () => {
  it('draws the notice as the authorization reads now, with the button while the customer must act', () => {
    const effect: OutboxEffect = { type: 'incident.opened', state: 'bad_login', reason: null, since: now };
    const card = effectNoticeMessage(effect, data(), minutesAgo(1), now);
    expect(card.text).toContain("Username and password didn't work");
    expect(allText(card.blocks)).toContain(ASK_REAUTH_LABEL);
  });

  it('draws a resolved incident resolved, since the effect, even when a newer incident is open', () => {
    const card = effectNoticeMessage(
      { type: 'incident.resolved', from: 'bad_login' },
      data({ state: 'revoked', incidentOpen: true }),
      minutesAgo(5),
      now,
    );
    expect(card.text).toContain(RESOLVED_WORDS);
    expect(findButton(card.blocks, ActionId.askReauth)).toBeUndefined();
    expect(allText(card.blocks)).toContain('*Resolved*\n<!date^');
    expect(allText(card.blocks)).toContain('|5 minutes ago>');
  });

  it('draws an expiry warning as the warning, from a date stored as a string', () => {
    const effect = stored(
      { type: 'expiry.warning', days: 7, expiresAt: now },
      { expiresAt: '2026-03-19T10:45:00.000Z' },
    );
    const card = effectNoticeMessage(effect, data({ state: 'active', incidentOpen: false }), now, now);
    expect(card.text).toContain('authorization expires in 7 days (19 Mar 2026)');
    expect(findButton(card.blocks, ActionId.askReauth)).toBeUndefined();
  });
});

describe('effectThreadReply', () => {
  it("says what the state changed to, in the effect's words rather than the current ones", () => {
    const changed = effectThreadReply(
      { type: 'incident.changed', from: 'bad_login', to: 'bad_login', reason: 'locked' },
      data({ state: 'revoked' }),
      now,
    );
    expect(changed.text).toBe('Status changed: Account locked after too many attempts');

    const opened = effectThreadReply(
      { type: 'incident.opened', state: 'expired', reason: null, since: now },
      data({ expiresAt: new Date('2026-01-10T00:00:00Z') }),
      now,
    );
    expect(opened.text).toBe('Status changed: This authorization expired 2 months ago');
  });

  it('says the incident is resolved', () => {
    expect(effectThreadReply({ type: 'incident.resolved', from: 'expired' }, data(), now).text).toBe(
      RESOLVED_WORDS,
    );
  });

  it('says who asked for a reauthorization', () => {
    const reply = effectThreadReply(
      { type: 'request.queued', requestId: 'r1', requestedBy: 'U9' },
      data(),
      now,
    );
    expect(allText(reply.blocks)).toContain('<@U9> asked the customer to reauthorize');
  });

  it('says where and when the email went, masked, from a time stored as a string', () => {
    const effect = stored(
      { type: 'request.sent', requestId: 'r1', sentTo: 'jane@example.com', at: now },
      { at: '2026-03-12T10:42:00.000Z' },
    );
    const reply = effectThreadReply(effect, data(), now);
    expect(reply.text).toBe('Email sent to j***@e***.com');
    expect(allText(reply.blocks)).toContain('10:42 UTC');
    expect(JSON.stringify(reply)).not.toContain('jane@');
  });

  it('asks to check the address after a bounce', () => {
    const reply = effectThreadReply(
      { type: 'request.bounced', requestId: 'r1', sentTo: 'jane@example.com' },
      data(),
      now,
    );
    expect(reply.text).toBe('Email bounced (sent to j***@e***.com): check the address');
  });

  it("offers Retry for the failed request, with SendGrid's reason when there is one", () => {
    const failed = (message: string | null) =>
      effectThreadReply(
        { type: 'request.failed', requestId: 'req-7', code: 'email_rejected', message },
        data(),
        now,
      );
    expect(failed('Invalid recipient').text).toContain('SendGrid refused the email: Invalid recipient.');
    expect(failed(null).text).toBe(
      "SendGrid refused the email. Check the customer's email address, then retry.",
    );
    const retry = findButton(failed(null).blocks, ActionId.retrySend);
    expect(retrySendValue.decode(retry?.value)).toEqual({ v: 1, requestId: 'req-7' });
  });

  it('puts an expiry warning in the thread as the warning itself', () => {
    const reply = effectThreadReply(
      { type: 'expiry.warning', days: 7, expiresAt: new Date('2026-03-19T10:45:00Z') },
      data(),
      now,
    );
    expect(reply.text).toContain('authorization expires in 7 days');
  });

  it('refuses an effect type it has no words for', () => {
    const unknown = { type: 'incident.snoozed' } as unknown as OutboxEffect;
    expect(() => effectThreadReply(unknown, data(), now)).toThrow(
      expect.objectContaining({ code: 'unknown_effect' }),
    );
  });
});

describe('the reply for an email relink could not confirm', () => {
  it('says so plainly in the thread, with Send again for that request', () => {
    const reply = effectThreadReply(
      { type: 'request.unconfirmed', requestId: '65f0c0ffee65f0c0ffee65f0', sentTo: 'jane@example.com' },
      data(),
      now,
    );
    expect(reply.text).toContain('could not confirm');
    const button = findButton(reply.blocks, ActionId.sendAgain);
    expect(button?.text.text).toBe('Send again');
    expect(retrySendValue.decode(button?.value ?? '')).toEqual({
      v: 1,
      requestId: '65f0c0ffee65f0c0ffee65f0',
    });
  });
});
