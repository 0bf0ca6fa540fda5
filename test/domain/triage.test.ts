import type { Effect } from '../../src/domain/authorization';
import {
  applyTriage,
  isSetAside,
  NO_TRIAGE,
  triageAfterEffects,
  triageRevision,
  triageSummaryOf,
} from '../../src/domain/triage';

const t0 = new Date('2026-03-12T15:00:00.000Z');
const DAY = 86_400_000;
const changed: Effect = { type: 'incident.changed', from: 'bad_login', to: 'expired', reason: null };

describe('triage', () => {
  it('assigns, and a second "I\'m on it" by the same person changes nothing', () => {
    const { next, change } = applyTriage(NO_TRIAGE, { kind: 'assign' }, 'U1', t0);
    expect(next.assignee).toBe('U1');
    expect(change).toEqual({ kind: 'assigned', by: 'U1' });
    expect(applyTriage(next, { kind: 'assign' }, 'U1', t0).change).toBeNull();
    expect(applyTriage(next, { kind: 'assign' }, 'U2', t0).next.assignee).toBe('U2');
  });

  it('snoozes for the chosen days, and the snooze ends by the clock', () => {
    const { next } = applyTriage(NO_TRIAGE, { kind: 'snooze', days: 3 }, 'U1', t0);
    expect(next.snoozedUntil?.getTime()).toBe(t0.getTime() + 3 * DAY);
    const summary = triageSummaryOf(next);
    expect(isSetAside(summary, new Date(t0.getTime() + 3 * DAY - 1))).toBe(true);
    expect(isSetAside(summary, new Date(t0.getTime() + 3 * DAY))).toBe(false);
  });

  it('dismisses with a reason and reopens on a new problem from the platform, keeping the assignee', () => {
    const assigned = applyTriage(NO_TRIAGE, { kind: 'assign' }, 'U1', t0).next;
    const dismissed = applyTriage(assigned, { kind: 'dismiss', reason: 'duplicate' }, 'U2', t0).next;
    expect(isSetAside(triageSummaryOf(dismissed), t0)).toBe(true);
    const after = triageAfterEffects(dismissed, [changed]);
    expect(after.reopened).toBe(true);
    expect(after.next.dismissedReason).toBeNull();
    expect(after.next.assignee).toBe('U1');
  });

  it('ends the whole triage when the incident resolves', () => {
    const assigned = applyTriage(NO_TRIAGE, { kind: 'assign' }, 'U1', t0).next;
    expect(triageAfterEffects(assigned, [{ type: 'incident.resolved', from: 'bad_login' }]).next).toEqual(
      NO_TRIAGE,
    );
  });

  it('adds a "reopened" effect by the platform to a revision that changes the problem', () => {
    const snoozed = applyTriage(NO_TRIAGE, { kind: 'snooze', days: 1 }, 'U1', t0).next;
    const revision = triageRevision(snoozed, [changed], undefined, t0);
    expect(revision.changed).toBe(true);
    expect(revision.effects).toEqual([{ type: 'incident.triaged', change: { kind: 'reopened', by: null } }]);
  });

  it('leaves a revision without news or command unchanged', () => {
    const revision = triageRevision(NO_TRIAGE, [], undefined, t0);
    expect(revision).toEqual({ next: NO_TRIAGE, effects: [], changed: false });
  });
});
