/**
 * Lanes (DESIGN.md, "The flow of effects: lanes"): what the team must hear now never waits behind what
 * can wait. Pure: which lane an effect takes, and the order in which a pass publishes what is pending.
 */
import { appendTo } from './grouping';
import type { OutboxEffect } from './reauth-request';

export type Lane = 'now' | 'follow_up';

type EffectType = OutboxEffect['type'];

/**
 * Each effect type's lane, in one table, so a new type must choose (the compiler says so). Now: news a
 * person must see or act on (a problem, its end, a warning, a send that needs a person). Request
 * progress, reminders and triage echoes can wait: the Home shows them already.
 */
const LANE_OF: Record<EffectType, Lane> = {
  'incident.opened': 'now',
  'incident.changed': 'now',
  'incident.resolved': 'now',
  'incident.triaged': 'follow_up',
  'expiry.warning': 'now',
  'request.queued': 'follow_up',
  'request.sent': 'follow_up',
  'request.failed': 'now',
  'request.bounced': 'now',
  'request.suppressed': 'follow_up',
  'request.unconfirmed': 'now',
  'request.reminded': 'follow_up',
  'request.no_response': 'follow_up',
  'request.reminders_stopped': 'follow_up',
};

export const laneOf = (type: EffectType): Lane => LANE_OF[type];

/** The effect types of the now lane, for a query that looks for any of them. */
export const NOW_LANE_TYPES: readonly EffectType[] = (Object.keys(LANE_OF) as EffectType[]).filter(
  (type) => LANE_OF[type] === 'now',
);

/** Pending entries of one authorization, oldest first: they reach Slack in this order. */
export interface LaneGroup<E> {
  authorizationId: string;
  lane: Lane;
  entries: E[];
}

interface PendingEffect {
  authorizationId: string;
  type: EffectType;
}

/**
 * The order of a pass: each authorization's entries stay together and in order (its effects must reach
 * Slack in order), and authorizations with news in the now lane go before those with only follow-ups.
 * Within a lane, the authorization whose first entry is oldest goes first. `entries` come oldest first.
 */
export function inLaneOrder<E>(entries: readonly E[], of: (entry: E) => PendingEffect): LaneGroup<E>[] {
  const byAuthorization = new Map<string, E[]>();
  for (const entry of entries) appendTo(byAuthorization, of(entry).authorizationId, entry);
  const groups = [...byAuthorization].map(([authorizationId, list]) => ({
    authorizationId,
    lane: list.some((e) => laneOf(of(e).type) === 'now') ? ('now' as const) : ('follow_up' as const),
    entries: list,
  }));
  // Map keeps first-seen order, which is oldest first; a stable sort keeps it within each lane.
  return groups.sort((a, b) => rank(a.lane) - rank(b.lane));
}

const rank = (lane: Lane) => (lane === 'now' ? 0 : 1);
