/**
 * Reauth requests: one email asking one customer to reauthorize (DESIGN.md, "ReauthRequest").
 * Pure: statuses, the effects a request's progress puts in the outbox, and the cooldown policy.
 */
import type { Effect } from './authorization';
import type { RelinkErrorCode } from './errors';
import type { SuppressionReason } from './suppression';

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
  /** The customer did not relink after the email and every reminder (src/domain/reminders.ts). */
  'no_response',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses after which nothing more happens to a request. */
export const FINAL_REQUEST_STATUSES: readonly RequestStatus[] = [
  'bounced',
  'failed',
  'completed',
  'superseded',
  'no_response',
];

/**
 * A failed request whose email relink could not confirm (SendGrid neither answered nor reported it):
 * it may have gone out, so people are offered Send again, not Retry, wherever the request shows.
 */
export const isUnconfirmedFailure = (status: RequestStatus, errorCode: string | null | undefined): boolean =>
  status === 'failed' && errorCode === 'send_outcome_unknown';

/** Open: something may still happen to it (its send, its delivery, its customer's relink). */
export const isOpenRequestStatus = (status: RequestStatus): boolean =>
  !FINAL_REQUEST_STATUSES.includes(status);

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
  // Late delivery reports (an "open" of the last reminder) do not reopen a request that ran out.
  no_response: 5,
};
export const isProgress = (from: RequestStatus, to: RequestStatus): boolean => RANK[to] > RANK[from];

/** What the notice must show about a request; stored in the outbox beside the domain's effects. */
export type RequestEffect =
  | { type: 'request.queued'; requestId: string; requestedBy: string }
  | { type: 'request.sent'; requestId: string; sentTo: string; at: Date }
  | { type: 'request.failed'; requestId: string; code: RelinkErrorCode; message: string | null }
  /** `reason`: SendGrid's, its addresses masked (suppression.ts); absent on entries older than it. */
  | { type: 'request.bounced'; requestId: string; sentTo: string; reason?: string | null }
  /** The customer marked the email as spam or unsubscribed: relink never emails them on its own again. */
  | { type: 'request.suppressed'; requestId: string; sentTo: string; reason: SuppressionReason }
  /** SendGrid may or may not have taken the email, and has not said: a person decides (Send again). */
  | { type: 'request.unconfirmed'; requestId: string; sentTo: string }
  /** Reminder `number` (from 1) went out to the customer (src/reauth/reminders.ts). */
  | { type: 'request.reminded'; requestId: string; sentTo: string; at: Date; number: number }
  /** Every reminder went out and the customer still has not relinked. */
  | { type: 'request.no_response'; requestId: string; reminders: number }
  /** Someone clicked Stop reminders (a Slack user id). */
  | { type: 'request.reminders_stopped'; requestId: string; stoppedBy: string };

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
