import { isProgress } from '../domain/reauth-request';
import type { RequestStore } from '../store/requests';
import { deliveryStatusFor, type SendgridEvent, xMessageIdOf } from './event-webhook';

/**
 * Applies one SendGrid event to its reauth request. Events arrive out of order, so a request only
 * moves forward (an "open" after "delivered", never "delivered" after "open"). Returns the inbox outcome.
 */
export function createDeliveryReports(deps: { requests: RequestStore }) {
  return async function applyDeliveryReport(event: SendgridEvent, now: Date): Promise<string> {
    const status = deliveryStatusFor(event.event);
    if (!status) return 'ignored_event';
    const request =
      (event.relink_request_id ? await deps.requests.findById(event.relink_request_id) : null) ??
      (event.sg_message_id ? await deps.requests.findByMessageId(xMessageIdOf(event.sg_message_id)) : null);
    if (!request) return 'request_not_found';
    if (!isProgress(request.status, status)) return 'stale';
    const undelivered = status === 'bounced' || status === 'failed';
    const effect = undelivered
      ? {
          type: 'request.bounced' as const,
          requestId: request._id.toHexString(),
          sentTo: request.recipient.email,
        }
      : null;
    await deps.requests.advance(request, status, effect, now);
    return `status_${status}`;
  };
}

export type ApplyDeliveryReport = ReturnType<typeof createDeliveryReports>;
