import { isProgress } from '../domain/reauth-request';
import { createSendOutcomes } from '../reauth/send-outcomes';
import type { ReauthRequestDocument, RequestStore } from '../store/requests';
import type { SendClaims } from '../store/send-claims';
import { deliveryStatusFor, type SendgridEvent, xMessageIdOf } from './event-webhook';

/**
 * SendGrid's events, every one of which is about a message its mail send accepted: any of them for a
 * send whose outcome relink does not know proves that the email went out.
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
 */
const ACCEPTED_EVENTS: ReadonlySet<string> = new Set([
  'processed',
  'deferred',
  'delivered',
  'bounce',
  'blocked',
  'dropped',
  'open',
  'click',
  'spamreport',
  'unsubscribe',
  'group_unsubscribe',
  'group_resubscribe',
]);

/** The send attempt an event is about (`relink_attempt`); null for emails sent before it was added. */
const attemptOf = (event: SendgridEvent): number | null => {
  const attempt = Number(event.relink_attempt);
  return Number.isInteger(attempt) && attempt > 0 ? attempt : null;
};

/**
 * Applies one SendGrid event to its reauth request. An event for a send whose outcome is unknown (no
 * answer came, or relink stopped mid-send) first records that send as done, with no second email.
 * Events arrive out of order, so a request only moves forward (an "open" after "delivered", never
 * "delivered" after "open"). Returns the inbox outcome.
 */
export function createDeliveryReports(deps: { requests: RequestStore; claims: SendClaims }) {
  const outcomes = createSendOutcomes(deps);

  async function findRequest(event: SendgridEvent): Promise<ReauthRequestDocument | null> {
    return (
      (event.relink_request_id ? await deps.requests.findById(event.relink_request_id) : null) ??
      (event.sg_message_id ? await deps.requests.findByMessageId(xMessageIdOf(event.sg_message_id)) : null)
    );
  }

  /** Records the send as done when the request was still waiting to learn whether it was. */
  async function confirm(request: ReauthRequestDocument, event: SendgridEvent, now: Date): Promise<boolean> {
    const attempt = attemptOf(event) ?? request.attempts;
    if (!ACCEPTED_EVENTS.has(event.event) || !outcomes.isAwaitingOutcome(request, attempt)) return false;
    const messageId = event.sg_message_id ? xMessageIdOf(event.sg_message_id) : '';
    await outcomes.recordSent(request, attempt, { messageId, at: new Date(event.timestamp * 1000) }, now);
    return true;
  }

  return async function applyDeliveryReport(event: SendgridEvent, now: Date): Promise<string> {
    const status = deliveryStatusFor(event.event);
    if (!status && !ACCEPTED_EVENTS.has(event.event)) return 'ignored_event';
    const request = await findRequest(event);
    if (!request) return 'request_not_found';
    const confirmed = await confirm(request, event, now);
    const current = confirmed
      ? { ...request, status: 'sent' as const, attempts: attemptOf(event) ?? request.attempts }
      : request;
    if (!status) return confirmed ? 'send_confirmed' : 'ignored_event';
    if (!isProgress(current.status, status)) return confirmed ? 'send_confirmed' : 'stale';
    const undelivered = status === 'bounced' || status === 'failed';
    const effect = undelivered
      ? {
          type: 'request.bounced' as const,
          requestId: request._id.toHexString(),
          sentTo: request.recipient.email,
        }
      : null;
    await deps.requests.advance(current, status, effect, now);
    return `status_${status}`;
  };
}

export type ApplyDeliveryReport = ReturnType<typeof createDeliveryReports>;
