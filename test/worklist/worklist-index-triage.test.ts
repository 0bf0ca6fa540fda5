import { createWorklistIndex, type IndexedAuthorization } from '../../src/worklist/worklist-index';

const WS = 'T-triage';
const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const none = { assignee: null, snoozedUntil: null, dismissedReason: null, dismissedBy: null };
let counter = 0;

const authorization = (extra: Partial<IndexedAuthorization> = {}): IndexedAuthorization => ({
  id: (++counter).toString(16).padStart(24, '0'),
  workspaceId: WS,
  version: 1,
  name: `Customer ${counter}`,
  email: `c${counter}@example.com`,
  utility: 'PG&E',
  state: 'bad_login',
  reason: 'invalid_credentials',
  expiresAt: null,
  declinedAt: null,
  revokedAt: null,
  incidentOpen: true,
  incidentSince: NOW - DAY,
  triage: null,
  ...extra,
});

describe('the worklist index and triage', () => {
  const index = createWorklistIndex({ expiringWithinDays: 30 });
  const mine = authorization({ triage: { ...none, assignee: 'U1' } });
  const snoozed = authorization({ triage: { ...none, snoozedUntil: new Date(NOW + DAY) } });
  const dismissed = authorization({ triage: { ...none, dismissedReason: 'duplicate', dismissedBy: 'U2' } });
  const plain = authorization();
  for (const a of [mine, snoozed, dismissed, plain]) index.putAuthorization(a);

  it('counts Mine per viewer and keeps snoozed and dismissed incidents out of the work tabs, not out of All', () => {
    expect(index.counts(WS, NOW, 'U1')).toMatchObject({ bad_logins: 2, mine: 1, all: 4 });
    expect(index.counts(WS, NOW, 'U2')).toMatchObject({ mine: 0 });
    expect(index.counts(WS, NOW)).toMatchObject({ mine: 0 });
  });

  it('lists a snoozed incident again once the snooze ends', () => {
    const rows = (now: number) =>
      index.page(WS, 'bad_logins', { now, page: 1, pageSize: 20 }).items.map((i) => i.id);
    expect(rows(NOW)).not.toContain(snoozed.id);
    expect(rows(NOW + DAY)).toContain(snoozed.id);
  });

  it('finds a dismissed incident by search, with its triage', () => {
    const found = index.find(WS, dismissed.email ?? '', 5);
    expect(found.items[0]?.triage).toMatchObject({ dismissedReason: 'duplicate' });
  });

  it('forgets the triage a newer revision cleared', () => {
    index.putAuthorization({ ...mine, version: 2, triage: null });
    expect(index.counts(WS, NOW, 'U1').mine).toBe(0);
    expect(index.get(WS, mine.id)?.triage).toBeNull();
  });
});
