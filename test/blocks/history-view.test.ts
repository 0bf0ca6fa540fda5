import { historyView, whatHappened } from '../../blocks/history-view';
import type { AuthorizationStatus } from '../../src/domain/authorization';
import type { HistoryEntry, HistoryPage } from '../../src/reauth/history-service';
import { ActionId } from '../../src/slack/ids';
import { historyMeta } from '../../src/slack/triage-values';
import { allText, elementsWithActionIds } from '../support/block-kit';
import { viewProblems } from '../support/block-kit-validator';

const now = new Date('2026-03-12T15:00:00.000Z');
const badLogin: AuthorizationStatus = {
  state: 'bad_login',
  reason: 'invalid_credentials',
  expiresAt: null,
  declinedAt: null,
  revokedAt: null,
  lastEventAt: now,
  incidentOpen: true,
  warnedDays: [],
};
const entry = (version: number, over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  version,
  at: new Date(now.getTime() - version * 60_000),
  actor: 'slack:T1/U0ALICE01',
  action: 'triage.assign',
  next: badLogin,
  effects: [{ type: 'incident.triaged', change: { kind: 'assigned', by: 'U0ALICE01' } }],
  customerChanged: false,
  email: null,
  ...over,
});
const page = (entries: HistoryEntry[], at: number, pages: number): HistoryPage => ({
  authorizationId: '65f0a1b2c3d4e5f6a7b8c9d0',
  customerName: 'Ada <Lovelace>',
  utility: 'PG&E',
  entries,
  page: at,
  pages,
  total: 100,
  pageSize: 20,
});

describe('the history modal', () => {
  it("shows a middle page of 20 within Slack's limits, with Newer and Older, and remembers its page", () => {
    const view = historyView(
      page(
        Array.from({ length: 20 }, (_, i) => entry(60 - i)),
        3,
        5,
      ),
      now,
    );
    expect(viewProblems(view)).toEqual([]);
    expect(allText(view.blocks)).toContain('41–60 of 100');
    expect(allText(view.blocks)).toContain('Ada &lt;Lovelace&gt;');
    const buttons = elementsWithActionIds(view.blocks) as unknown as { action_id: string; value: string }[];
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      [ActionId.historyPrevious, '2'],
      [ActionId.historyNext, '4'],
    ]);
    expect(historyMeta.decode(view.private_metadata)).toMatchObject({ page: 3 });
  });

  it("says state changes in the platform's words and who did what", () => {
    const opened = entry(1, {
      actor: 'platform',
      action: 'state.changed',
      effects: [{ type: 'incident.opened', state: 'bad_login', reason: 'invalid_credentials', since: now }],
    });
    expect(whatHappened(opened, now)).toBe("Username and password didn't work (notice posted)");
    expect(whatHappened(entry(2), now)).toBe("Said “I'm on it”");
    expect(whatHappened(entry(3, { action: 'request.created', effects: [] }), now)).toContain(
      'Asked the customer to reauthorize',
    );
  });

  it("follows a request's email from its send to SendGrid's latest report", () => {
    const sentAt = new Date(now.getTime() - 3_600_000);
    const asked = (email: HistoryEntry['email']) =>
      whatHappened(entry(4, { action: 'request.created', effects: [], email }), now);
    const delivered = asked({ status: 'delivered', statusAt: now, sentAt, error: null });
    expect(delivered).toMatch(/^Asked the customer to reauthorize \(email queued\) · email sent <!date\^\d+/);
    expect(delivered).toContain(`, delivered <!date^${Math.floor(now.getTime() / 1000)}^`);
    const bounced = asked({
      status: 'bounced',
      statusAt: now,
      sentAt,
      error: { code: 'bounce', message: '550 5.1.1 mailbox <unknown>' },
    });
    expect(bounced).toContain('bounced');
    expect(bounced).toContain('550 5.1.1 mailbox &lt;unknown&gt;');
    expect(asked({ status: 'queued', statusAt: now, sentAt: null, error: null })).toContain(
      'email waiting to be sent',
    );
    expect(
      asked({
        status: 'failed',
        statusAt: now,
        sentAt: null,
        error: { code: 'send_outcome_unknown', message: 'SendGrid neither answered nor reported it' },
      }),
    ).toContain('relink could not confirm the email went out');
    // A revision that is not about a request says nothing of an email.
    expect(whatHappened(entry(5), now)).not.toContain('email');
  });
});
