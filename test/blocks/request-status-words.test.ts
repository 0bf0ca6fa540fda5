import { requestStatusWords } from '../../blocks/home-view';
import { type NoticeCard, noticeMessage, noticeThreadReply } from '../../blocks/notice-message';
import { requestStatusPhrase } from '../../blocks/request-status-words';
import { REQUEST_STATUSES } from '../../src/domain/reauth-request';
import { allText } from '../support/block-kit';
import { badLoginNotice } from '../support/notice-data';

/*
 * Issue 18: one state, said the same everywhere. Each request status reads with the same words on the
 * notice, on its Home row (which `/reauth` shows too) and, where the thread has a line for it, in the
 * thread; only the when, by whom and to whom around them differ.
 */

const now = new Date('2026-12-08T12:00:00Z');
const hourAgo = new Date(now.getTime() - 3_600_000);

const notice = (status: (typeof REQUEST_STATUSES)[number], unconfirmed: boolean): NoticeCard =>
  badLoginNotice({
    since: hourAgo,
    lastRequest: { status, requestedBy: 'U123', at: hourAgo, sentTo: 'jane@example.com', unconfirmed },
  });

describe('a request status, worded once', () => {
  type Status = (typeof REQUEST_STATUSES)[number];
  const cases: [Status, boolean][] = REQUEST_STATUSES.map((status) => [status, false]);
  cases.push(['failed', true]);

  it.each(cases)('%s (unconfirmed: %s) reads the same on the notice and the Home', (status, unconfirmed) => {
    const words = requestStatusPhrase(status, unconfirmed);
    expect(allText(noticeMessage(notice(status, unconfirmed), now).blocks)).toContain(words);
    expect(requestStatusWords({ status, statusAt: hourAgo, unconfirmed }, now)).toContain(words);
  });

  it('reads the same in the thread, for the statuses the thread announces', () => {
    const thread = [
      noticeThreadReply({ kind: 'request_queued', requestedBy: 'U123' }, now),
      noticeThreadReply({ kind: 'request_sent', sentTo: 'jane@example.com', at: hourAgo }, now),
      noticeThreadReply({ kind: 'request_bounced', sentTo: 'jane@example.com', reason: 'mailbox full' }, now),
    ];
    const statuses = ['queued', 'sent', 'bounced'] as const;
    statuses.forEach((status, i) => {
      expect(allText(thread[i]?.blocks)).toContain(requestStatusPhrase(status));
      expect(thread[i]?.text).toContain(requestStatusPhrase(status));
    });
  });

  it('gives every status its own words', () => {
    const words = REQUEST_STATUSES.map((status) => requestStatusPhrase(status));
    expect(new Set(words).size).toBe(REQUEST_STATUSES.length);
  });
});
