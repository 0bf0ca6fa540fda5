import { type ProblemFacts, problemFactsOf } from '../domain/problem-words';
import type { RequestStatus } from '../domain/reauth-request';
import type { AuthorizationStore } from '../store/authorizations';
import type { RequestStore } from '../store/requests';

/** The latest reauth request of an authorization, as its notice shows it. */
export interface NoticeRequest {
  status: RequestStatus;
  /** Slack user id of whoever asked. */
  requestedBy: string;
  /** When the request reached `status`. */
  at: Date;
  /** The full address; the notice shows it masked. */
  sentTo?: string;
}

/** Everything a notice shows about one authorization. */
export interface NoticeData {
  authorizationId: string;
  /** Whose Slack the notice goes to. */
  workspaceId: string;
  /** The authorization's revision this data reflects (see store/authorizations.ts). */
  version: number;
  customerName: string | null;
  customerEmail: string | null;
  utility: string;
  status: ProblemFacts & { incidentOpen: boolean };
  /** When the problem started. */
  since: Date;
  lastRequest: NoticeRequest | null;
}

/** Reads a notice's data fresh each time the notice is drawn; null when the authorization does not exist. */
export function createNoticeData(deps: { authorizations: AuthorizationStore; requests: RequestStore }) {
  return async function noticeData(authorizationId: string): Promise<NoticeData | null> {
    const authorization = await deps.authorizations.findById(authorizationId);
    if (!authorization) return null;
    const request = await deps.requests.latestFor(authorizationId);
    return {
      authorizationId,
      workspaceId: authorization.workspaceId,
      version: authorization.version,
      customerName: authorization.customer.name,
      customerEmail: authorization.customer.email,
      utility: authorization.utility,
      status: { ...problemFactsOf(authorization), incidentOpen: authorization.incidentOpen },
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
