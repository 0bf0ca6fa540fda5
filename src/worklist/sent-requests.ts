import type { RequestStatus } from '../domain/reauth-request';

/** The last request of an authorization whose email went out: the cooldown counts from it. */
export interface SentRequest {
  id: string;
  /** Epoch ms. */
  sentAt: number;
  /** Who asked (a Slack user id); null when the copy that told of the send did not say. */
  requestedBy: string | null;
  status: RequestStatus;
}

/**
 * Each authorization's last sent request, in memory, for the reauth form's cooldown: the worklist
 * keeps only the newest request, and the newest may not have gone out yet. Pure: fed copies (a load,
 * a refresh, the request store's announcements) in any order, it keeps the latest send and its status.
 */
export function createSentRequests() {
  const byAuthorization = new Map<string, SentRequest>();
  /** Authorization by the id of its last sent request, for status changes that name only the request. */
  const authorizationOf = new Map<string, string>();

  return {
    /** Keeps this send unless a later one of the authorization is already held. */
    noteSent(authorizationId: string, sent: SentRequest): void {
      const held = byAuthorization.get(authorizationId);
      if (held && held.id !== sent.id && held.sentAt > sent.sentAt) return;
      if (held && held.id !== sent.id) authorizationOf.delete(held.id);
      const requestedBy = sent.requestedBy ?? (held?.id === sent.id ? held.requestedBy : null);
      byAuthorization.set(authorizationId, { ...sent, requestedBy });
      authorizationOf.set(sent.id, authorizationId);
    },

    /** A request's new status; ignored unless it is some authorization's last sent request. */
    setStatus(requestId: string, status: RequestStatus): void {
      const authorizationId = authorizationOf.get(requestId);
      const held = authorizationId === undefined ? undefined : byAuthorization.get(authorizationId);
      if (authorizationId !== undefined && held) byAuthorization.set(authorizationId, { ...held, status });
    },

    get: (authorizationId: string): SentRequest | null => byAuthorization.get(authorizationId) ?? null,
  };
}

export type SentRequests = ReturnType<typeof createSentRequests>;
