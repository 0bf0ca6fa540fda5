import type { NoticeData } from '../../blocks/notice-message';
import type { AuthorizationStore } from '../store/authorizations';
import type { RequestStore } from '../store/requests';

/** Everything a notice shows about one authorization, read fresh each time the notice is drawn. */
export function createNoticeData(deps: { authorizations: AuthorizationStore; requests: RequestStore }) {
  return async function noticeData(authorizationId: string): Promise<NoticeData | null> {
    const authorization = await deps.authorizations.findById(authorizationId);
    if (!authorization) return null;
    const request = await deps.requests.latestFor(authorizationId);
    return {
      authorizationId,
      customerName: authorization.customer.name,
      customerEmail: authorization.customer.email,
      utility: authorization.utility,
      status: {
        state: authorization.state,
        reason: authorization.reason,
        expiresAt: authorization.expiresAt,
        declinedAt: authorization.declinedAt,
        revokedAt: authorization.revokedAt,
        incidentOpen: authorization.incidentOpen,
      },
      since: authorization.incidentSince ?? authorization.updatedAt,
      lastRequest: request
        ? {
            status: request.status,
            requestedBy: request.requestedBy.userId,
            at: request.statusAt,
            sentTo: request.recipient.email,
          }
        : null,
    };
  };
}
