import { isProgress } from '../domain/reauth-request';
import type { Outbox } from '../store/outbox';
import type { RequestStore } from '../store/requests';
import { deliveryStatusFor, type SendgridEvent, xMessageIdOf } from './event-webhook';

/**
 * Applies one SendGrid event to its reauth request. Events arrive out of order, so a request only
 * moves forward (an "open" after "delivered", never "delivered" after "open"). Returns the inbox outcome.
 */
export function createDeliveryReports(deps: { requests: RequestStore; outbox: Outbox }) {
  return async function applyDeliveryReport(event: SendgridEvent, now: Date): Promise<string> {
    const status = deliveryStatusFor(event.event);
    if (!status) return 'ignored_event';
    const request =
      (event.relink_request_id ? await deps.requests.findById(event.relink_request_id) : null) ??
      (event.sg_message_id ? await deps.requests.findByMessageId(xMessageIdOf(event.sg_message_id)) : null);
    if (!request) return 'request_not_found';
    if (!isProgress(request.status, status)) return 'stale';
    await deps.requests.setStatus(request._id, status, now);
    if (status === 'bounced' || status === 'failed') {
      const id = request._id.toHexString();
      await deps.outbox.record({
        id: `request:${id}:bounced`,
        authorizationId: request.authorizationId,
        effect: { type: 'request.bounced', requestId: id, sentTo: request.recipient.email },
        createdAt: now,
      });
    }
    return `status_${status}`;
  };
}

export type ApplyDeliveryReport = ReturnType<typeof createDeliveryReports>;
