import { triageElements } from '../../blocks/triage-controls';
import { ActionId, keyedActionId } from '../../src/slack/ids';
import { triageValue } from '../../src/slack/triage-values';

const id = '65f0a1b2c3d4e5f6a7b8c9d0';
const now = new Date('2026-03-12T15:00:00.000Z');
const none = { assignee: null, snoozedUntil: null, dismissedReason: null, dismissedBy: null };
const ids = (elements: { action_id?: string }[]) => elements.map((e) => e.action_id);

describe('triage controls', () => {
  it("offers I'm on it, Snooze… and Dismiss… on an open incident, then History", () => {
    const elements = triageElements({ authorizationId: id, triage: none, incidentOpen: true, now });
    expect(ids(elements)).toEqual([
      keyedActionId(ActionId.triage, 'assign'),
      keyedActionId(ActionId.triageSnooze, 'snooze'),
      keyedActionId(ActionId.triageDismiss, 'dismiss'),
      ActionId.openHistory,
    ]);
    const snooze = elements[1] as { options: { text: { text: string }; value: string }[] };
    expect(snooze.options.map((o) => o.text.text)).toEqual(['1 day', '3 days', '7 days']);
    expect(triageValue.decode(snooze.options[2]?.value)).toEqual({
      v: 1,
      authorizationId: id,
      command: { kind: 'snooze', days: 7 },
    });
  });

  it('offers Unassign and Wake up while someone is on it and it sleeps; only Reopen once dismissed', () => {
    const later = new Date(now.getTime() + 86_400_000);
    const held = { ...none, assignee: 'U1', snoozedUntil: later };
    const key = '4';
    expect(ids(triageElements({ authorizationId: id, triage: held, incidentOpen: true, now, key }))).toEqual([
      'triage.4-assign',
      'triage.4-unassign',
      'triage.4-unsnooze',
      'triage_dismiss.4-dismiss',
      'open_history.4',
    ]);
    const dismissed = { ...none, dismissedReason: 'duplicate' as const, dismissedBy: 'U1' };
    expect(ids(triageElements({ authorizationId: id, triage: dismissed, incidentOpen: true, now }))).toEqual([
      'triage.reopen',
      ActionId.openHistory,
    ]);
  });

  it('offers only History without an open incident', () => {
    expect(ids(triageElements({ authorizationId: id, triage: null, incidentOpen: false, now }))).toEqual([
      ActionId.openHistory,
    ]);
  });
});
