import { isProgress } from '../domain/reauth-request';
import { bounceReasonWords, type SuppressionReason, suppressionReasonOf } from '../domain/suppression';
import { createSendOutcomes } from '../reauth/send-outcomes';
import type { ReauthRequestDocument, RequestStore } from '../store/requests';
import type { SendClaims } from '../store/send-claims';
import type { SuppressionStore } from '../store/suppressions';
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
 * Applies one SendGrid event to its reauth request. A bounce or drop marks it bounced; a spam report or
 * unsubscribe suppresses its address in the workspace (src/domain/suppression.ts). An event for a send whose outcome is unknown (no
 * answer came, or relink stopped mid-send) first records that send as done, with no second email.
 * Events arrive out of order, so a request only moves forward (an "open" after "delivered", never
 * "delivered" after "open"). Returns the inbox outcome.
 */
export function createDeliveryReports(deps: {
  requests: RequestStore;
  claims: SendClaims;
  suppressions: SuppressionStore;
  /** The workspace a suppression belongs to; null when the authorization is gone. */
  workspaceOfAuthorization: (authorizationId: string) => Promise<string | null>;
}) {
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
    const complaint = suppressionReasonOf(event.event);
    if (!status && !ACCEPTED_EVENTS.has(event.event)) return 'ignored_event';
    const request = await findRequest(event);
    if (!request) return 'request_not_found';
    const confirmed = await confirm(request, event, now);
    if (complaint) return suppress(request, complaint, event, now);
    const current = confirmed
      ? { ...request, status: 'sent' as const, attempts: attemptOf(event) ?? request.attempts }
      : request;
    if (!status) return confirmed ? 'send_confirmed' : 'ignored_event';
    if (!isProgress(current.status, status)) return confirmed ? 'send_confirmed' : 'stale';
    if (status === 'bounced') {
      await bounce(current, event, now);
    } else {
      await deps.requests.advance(current, status, null, now);
    }
    return `status_${status}`;
  };

  /**
   * The email reached nobody: the request is bounced with SendGrid's reason (addresses in it masked),
   * and the notice asks for a fixed address. Nothing is sent again on its own.
   */
  async function bounce(request: ReauthRequestDocument, event: SendgridEvent, now: Date) {
    const reason = bounceReasonWords(event.reason);
    const kind = event.event === 'bounce' && event.type === 'blocked' ? 'blocked' : event.event;
    await deps.requests.advance(
      request,
      'bounced',
      {
        type: 'request.bounced',
        requestId: request._id.toHexString(),
        sentTo: request.recipient.email,
        reason,
      },
      now,
      // `message` is SendGrid's reason only: empty when it gave none.
      { lastError: { code: kind, message: reason ?? '' } },
    );
  }

  /** The customer marked the email as spam or unsubscribed: never email that address on its own again. */
  async function suppress(
    request: ReauthRequestDocument,
    reason: SuppressionReason,
    event: SendgridEvent,
    now: Date,
  ): Promise<string> {
    const workspaceId = await deps.workspaceOfAuthorization(request.authorizationId.toHexString());
    if (!workspaceId) return 'request_not_found';
    const requestId = request._id.toHexString();
    // The address the email went to: SendGrid's `email` is the same one, as SendGrid spells it.
    const email = request.recipient.email;
    const at = new Date(event.timestamp * 1000);
    // Suppression first: if relink stops in between, SendGrid's retry finds it and records the entry.
    await deps.suppressions.record({ workspaceId, email, reason, at, requestId, now });
    const recorded = await deps.requests.recordEffect(
      request,
      { type: 'request.suppressed', requestId, sentTo: email, reason },
      now,
    );
    return recorded ? `suppressed_${reason}` : 'stale';
  }
}

export type ApplyDeliveryReport = ReturnType<typeof createDeliveryReports>;
