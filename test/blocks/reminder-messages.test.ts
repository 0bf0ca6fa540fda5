import { homeView } from '../../blocks/home-view';
import { effectThreadReply } from '../../blocks/notice-effect-messages';
import { type NoticeCard, noticeMessage } from '../../blocks/notice-message';
import {
  NO_RESPONSE_WORDS,
  nextReminderWords,
  PREVIEW_REMINDER_LABEL,
  reminderPreviewView,
  reminderSentReply,
  STOP_REMINDERS_LABEL,
} from '../../blocks/reminder-messages';
import { renderReauthEmail } from '../../src/email/reauth-email';
import type { HomeData } from '../../src/home/home-service';
import { ActionId, keyedActionId } from '../../src/slack/ids';
import { retrySendValue } from '../../src/slack/metadata';
import { actionIds, allText, findButton } from '../support/block-kit';
import { messageProblems, viewProblems } from '../support/block-kit-validator';
import { badLoginNotice } from '../support/notice-data';

const now = new Date('2026-11-10T10:00:00Z');
const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000);
const REQUEST_ID = '6b0c89ddb5ab8169379b66f0';

const notice = (lastRequest: NoticeCard['lastRequest']): NoticeCard =>
  badLoginNotice({ authorizationId: '6b0c89dcb5ab8169379b66ed', version: 3, since: inDays(-5), lastRequest });
const sent = { status: 'sent' as const, requestedBy: 'U0ALICE', at: inDays(-1), sentTo: 'jane@example.com' };

describe('reminders on the notice', () => {
  it('says when the next reminder goes out, with Preview and Stop for that request', () => {
    const message = noticeMessage(
      notice({
        ...sent,
        requestId: REQUEST_ID,
        nextReminder: { kind: 'reminder', number: 1, at: inDays(2) },
      }),
      now,
    );
    expect(allText(message.blocks)).toContain('Reminder 1 <!date^');
    const stop = findButton(message.blocks, ActionId.stopReminders);
    expect(stop?.text.text).toBe(STOP_REMINDERS_LABEL);
    expect(retrySendValue.decode(stop?.value)).toEqual({ v: 1, requestId: REQUEST_ID });
    expect(findButton(message.blocks, ActionId.previewReminder)?.text.text).toBe(PREVIEW_REMINDER_LABEL);
    expect(messageProblems(message)).toEqual([]);
  });

  it('says who stopped the reminders, and offers no Stop button then', () => {
    const message = noticeMessage(
      notice({ ...sent, requestId: REQUEST_ID, remindersStoppedBy: 'U0BOB' }),
      now,
    );
    expect(allText(message.blocks)).toContain('Reminders stopped by <@U0BOB>');
    expect(actionIds(message.blocks)).not.toContain(ActionId.stopReminders);
  });

  it('says "no response" once the reminders ran out, with the button to ask again', () => {
    const message = noticeMessage(
      notice({
        status: 'no_response',
        requestedBy: 'U0ALICE',
        at: now,
        remindersSent: 2,
        requestId: REQUEST_ID,
      }),
      now,
    );
    const text = allText(message.blocks);
    expect(text).toContain(`*${NO_RESPONSE_WORDS}*`);
    expect(text).toContain('after the email and 2 reminders');
    expect(actionIds(message.blocks)).toContain(ActionId.askReauth);
    expect(actionIds(message.blocks)).not.toContain(ActionId.stopReminders);
    expect(messageProblems(message)).toEqual([]);
  });

  it('schedules "no response" in words that are not yet the "no response" line', () => {
    expect(nextReminderWords({ kind: 'no_response', at: inDays(3) }, null)).toMatch(
      /^Marked no response <!date\^\d+\^\{date_short_pretty\}\|2026-11-13> unless the customer relinks$/,
    );
    expect(nextReminderWords({ kind: 'reminder', number: 2, at: inDays(3) }, 2)).toContain('Reminder 2 of 2');
  });
});

describe('reminders in the thread', () => {
  it('shows each reminder sent, masked, with Preview and Stop', () => {
    const reply = reminderSentReply({
      requestId: REQUEST_ID,
      sentTo: 'jane@example.com',
      number: 2,
      at: now,
    });
    expect(allText(reply.blocks)).toContain('Reminder 2 sent to j***@e***.com');
    expect(JSON.stringify(reply)).not.toContain('jane@example.com');
    expect(actionIds(reply.blocks)).toEqual([ActionId.previewReminder, ActionId.stopReminders]);
    expect(messageProblems(reply)).toEqual([]);
  });

  it('has a reply for every reminder effect', () => {
    const data = notice(null);
    const replies = [
      effectThreadReply(
        { type: 'request.reminded', requestId: REQUEST_ID, sentTo: 'j@x.com', at: now, number: 1 },
        data,
        now,
      ),
      effectThreadReply({ type: 'request.no_response', requestId: REQUEST_ID, reminders: 2 }, data, now),
      effectThreadReply(
        { type: 'request.reminders_stopped', requestId: REQUEST_ID, stoppedBy: 'U0BOB' },
        data,
        now,
      ),
    ];
    expect(replies.map((r) => r.text)).toEqual([
      'Reminder 1 sent to j***@x***.com',
      'No response: the customer did not relink',
      'Reminders stopped',
    ]);
    for (const reply of replies) expect(messageProblems(reply)).toEqual([]);
  });
});

describe('the reminder preview', () => {
  it('shows the reminder email as rendered, the address masked', () => {
    const email = renderReauthEmail({
      customerName: 'Jane Doe',
      utility: 'PG&E',
      reason: { state: 'bad_login', reason: 'invalid_credentials' },
      note: null,
      senderName: 'Sunny Solar',
      reauthUrl: null,
      reminder: { number: 1 },
    });
    const view = reminderPreviewView({
      customerName: 'Jane Doe',
      sentTo: 'jane@example.com',
      number: 1,
      email,
    });
    const text = allText(view.blocks);
    expect(text).toContain('Subject: Reminder: please relink your PG&E account');
    expect(text).toContain('A quick reminder');
    expect(JSON.stringify(view)).not.toContain('jane@example.com');
    expect(view.submit).toBeUndefined();
    expect(viewProblems(view)).toEqual([]);
  });
});

describe('reminders on the Home', () => {
  it("shows a row's next reminder and its Stop button, keyed per row", () => {
    const item = {
      _id: { toHexString: () => '6b0c89dcb5ab8169379b66ed' },
      customer: { name: 'Jane Doe', email: 'jane@example.com' },
      utility: 'PG&E',
      state: 'bad_login' as const,
      reason: 'invalid_credentials' as const,
      expiresAt: null,
      declinedAt: null,
      revokedAt: null,
      incidentOpen: true,
      incidentSince: inDays(-5),
    };
    const data = {
      tab: 'awaiting_customer',
      counts: { bad_logins: 1, expired_declined: 0, expiring_soon: 0, awaiting_customer: 1, mine: 0, all: 1 },
      page: { items: [item], total: 1, page: 1, pages: 1, pageSize: 20 },
      search: null,
      lastRequests: new Map([
        [item._id.toHexString(), { status: 'delivered' as const, statusAt: inDays(-1) }],
      ]),
      reminders: new Map([
        [
          item._id.toHexString(),
          { requestId: REQUEST_ID, sent: 0, next: { kind: 'reminder' as const, number: 1, at: inDays(2) } },
        ],
      ]),
      now,
    } as unknown as HomeData;
    const view = homeView(data);
    expect(allText(view.blocks)).toContain('Email delivered 1 day ago · Reminder 1 <!date^');
    expect(actionIds(view.blocks)).toContain(keyedActionId(ActionId.stopReminders, '0'));
    expect(viewProblems(view)).toEqual([]);
  });
});
