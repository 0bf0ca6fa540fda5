import { noticeMessage } from '../../blocks/notice-message';
import { triageChangeReply, triageStatusWords } from '../../blocks/triage-words';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import type { NoticeData } from '../../src/reauth/notice-data';
import { allText } from '../support/block-kit';
import { messageProblems } from '../support/block-kit-validator';
import { badLoginNotice } from '../support/notice-data';

const now = new Date('2026-03-12T15:00:00.000Z');
const DAY = 86_400_000;
const none = { assignee: null, snoozedUntil: null, dismissedReason: null, dismissedBy: null };

const notice = (triage: NoticeData['triage']): NoticeData =>
  badLoginNotice({
    authorizationId: '65f0a1b2c3d4e5f6a7b8c9d0',
    workspaceId: SINGLE_WORKSPACE_ID,
    version: 3,
    customerName: 'Ada Lovelace',
    customerEmail: 'ada@example.com',
    since: new Date(now.getTime() - DAY),
    triage,
  });

describe('triage words', () => {
  it('says who is on it and until when it sleeps; an ended snooze no longer shows', () => {
    const until = new Date(now.getTime() + 3 * DAY);
    const words = triageStatusWords({ ...none, assignee: 'U0ALICE01', snoozedUntil: until }, now);
    expect(words).toContain('<@U0ALICE01> is on it');
    expect(words).toContain(`<!date^${until.getTime() / 1000}^`);
    expect(triageStatusWords({ ...none, snoozedUntil: new Date(now.getTime() - 1) }, now)).toBeNull();
    expect(triageStatusWords(null, now)).toBeNull();
  });

  it('never mentions anything but a user id, so stored text cannot ping a channel', () => {
    expect(triageStatusWords({ ...none, assignee: '<!channel>' }, now)).toBe(
      ':raising_hand: someone is on it',
    );
    expect(triageChangeReply({ kind: 'dismissed', by: '!here', reason: 'duplicate' }).blocks).toHaveLength(1);
    expect(
      allText(triageChangeReply({ kind: 'dismissed', by: '!here', reason: 'duplicate' }).blocks),
    ).toContain('someone dismissed this: Duplicate');
  });

  it("draws each triage state on the notice within Block Kit's rules", () => {
    const states: NoticeData['triage'][] = [
      null,
      { ...none, assignee: 'U0ALICE01' },
      { ...none, snoozedUntil: new Date(now.getTime() + DAY) },
      { ...none, dismissedReason: 'handled_elsewhere', dismissedBy: 'U0BOB0001' },
    ];
    for (const triage of states) expect(messageProblems(noticeMessage(notice(triage), now))).toEqual([]);
    const dismissed = noticeMessage(notice(states[3]), now);
    expect(allText(dismissed.blocks)).toContain('Dismissed: Handled elsewhere (by <@U0BOB0001>)');
    expect(allText(dismissed.blocks)).toContain('Reopen');
  });
});
