/**
 * Reauth requests: one email asking one customer to reauthorize (DESIGN.md, "ReauthRequest").
 * Pure: statuses, the effects a request's progress puts in the outbox, and the cooldown policy.
 */
import type { Effect } from './authorization';
import type { RelinkErrorCode } from './errors';

export const REQUEST_STATUSES = [
  'queued',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'failed',
  'completed',
  'superseded',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses after which nothing more happens to a request. */
export const FINAL_REQUEST_STATUSES: readonly RequestStatus[] = [
  'bounced',
  'failed',
  'completed',
  'superseded',
];

/** Delivery reports arrive out of order; a request only moves forward along this ranking. */
const RANK: Record<RequestStatus, number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  opened: 3,
  clicked: 4,
  bounced: 5,
  failed: 5,
  completed: 6,
  superseded: 6,
};
export const isProgress = (from: RequestStatus, to: RequestStatus): boolean => RANK[to] > RANK[from];

/** What the notice must show about a request; stored in the outbox beside the domain's effects. */
export type RequestEffect =
  | { type: 'request.queued'; requestId: string; requestedBy: string }
  | { type: 'request.sent'; requestId: string; sentTo: string; at: Date }
  | { type: 'request.failed'; requestId: string; code: RelinkErrorCode; message: string | null }
  | { type: 'request.bounced'; requestId: string; sentTo: string }
  /** SendGrid may or may not have taken the email, and has not said: a person decides (Send again). */
  | { type: 'request.unconfirmed'; requestId: string; sentTo: string };

export type OutboxEffect = Effect | RequestEffect;

export interface Cooldown {
  lastSentAt: Date;
  lastSentBy: string;
}

/**
 * The cooldown that applies now, if any: a request sent to this customer less than `hours` ago.
 * Sending anyway is allowed, but must be asked for explicitly (and is audited).
 */
export function activeCooldown(last: Cooldown | null, now: Date, hours: number): Cooldown | null {
  if (!last || hours <= 0) return null;
  return now.getTime() - last.lastSentAt.getTime() < hours * 3_600_000 ? last : null;
}
