import { inLaneOrder, laneOf, NOW_LANE_TYPES } from '../../src/domain/lanes';
import type { OutboxEffect } from '../../src/domain/reauth-request';

type Pending = { id: string; authorizationId: string; type: OutboxEffect['type'] };
const of = (e: Pending) => e;
const ids = (groups: { entries: Pending[] }[]) => groups.map((g) => g.entries.map((e) => e.id));

describe('lanes', () => {
  it('puts news a person must see in the now lane, and progress in the follow-up lane', () => {
    expect(laneOf('incident.opened')).toBe('now');
    expect(laneOf('incident.resolved')).toBe('now');
    expect(laneOf('expiry.warning')).toBe('now');
    expect(laneOf('request.failed')).toBe('now');
    expect(laneOf('request.bounced')).toBe('now');
    expect(laneOf('request.queued')).toBe('follow_up');
    expect(laneOf('request.sent')).toBe('follow_up');
    expect(laneOf('request.reminded')).toBe('follow_up');
    expect(laneOf('incident.triaged')).toBe('follow_up');
    expect(NOW_LANE_TYPES).toContain('incident.opened');
    expect(NOW_LANE_TYPES).not.toContain('request.sent');
  });

  it('orders authorizations with news first, oldest first within a lane', () => {
    const pending: Pending[] = [
      { id: 'a1', authorizationId: 'A', type: 'request.queued' },
      { id: 'b1', authorizationId: 'B', type: 'request.queued' },
      { id: 'c1', authorizationId: 'C', type: 'incident.opened' },
      { id: 'd1', authorizationId: 'D', type: 'request.sent' },
      { id: 'e1', authorizationId: 'E', type: 'incident.resolved' },
    ];
    const groups = inLaneOrder(pending, of);
    expect(ids(groups)).toEqual([['c1'], ['e1'], ['a1'], ['b1'], ['d1']]);
    expect(groups.map((g) => g.lane)).toEqual(['now', 'now', 'follow_up', 'follow_up', 'follow_up']);
  });

  it('keeps an authorization’s entries together and in order, news or not', () => {
    const pending: Pending[] = [
      { id: 'a1', authorizationId: 'A', type: 'request.queued' },
      { id: 'b1', authorizationId: 'B', type: 'request.sent' },
      { id: 'a2', authorizationId: 'A', type: 'request.sent' },
      { id: 'b2', authorizationId: 'B', type: 'incident.resolved' },
      { id: 'a3', authorizationId: 'A', type: 'request.reminded' },
    ];
    const groups = inLaneOrder(pending, of);
    // B's resolution may not overtake its own earlier follow-up, so that goes first with it.
    expect(ids(groups)).toEqual([
      ['b1', 'b2'],
      ['a1', 'a2', 'a3'],
    ]);
  });
});
