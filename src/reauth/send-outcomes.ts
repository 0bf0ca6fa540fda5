import type { RequestStatus } from '../domain/reauth-request';
import { SendSubject } from '../domain/record-ids';
import type { ReauthRequestDocument, RequestStore } from '../store/requests';
import type { NotSentFailure, SendClaims } from '../store/send-claims';

export interface SendOutcomeDeps {
  requests: RequestStore;
  claims: SendClaims;
}

/** The request fields these steps read: its id, whose it is, its attempt, and where its send stands. */
export type SendingRequest = Pick<
  ReauthRequestDocument,
  '_id' | 'authorizationId' | 'attempts' | 'recipient' | 'status' | 'lastError'
>;

/** Clears the in-flight marks: whatever happens next starts from a settled request. */
const SETTLED = { sendingSince: null, confirmBy: null } as const;

/**
 * What each outcome of a send attempt does to its reauth request. Each step first records the outcome
 * on the attempt's call, then moves the request; both writes are idempotent, so a crash between them
 * is finished by whoever looks next (the sender's sweep, or the next event for the request).
 */
export function createSendOutcomes(deps: SendOutcomeDeps) {
  const { requests, claims } = deps;
  const subjectOf = (request: SendingRequest) => SendSubject.request(request._id.toHexString());

  return {
    /** SendGrid took attempt `attempt` (its 202, or an event for it): the email is out, once. */
    async recordSent(
      request: SendingRequest,
      attempt: number,
      sent: { messageId: string; at: Date },
      now: Date,
    ): Promise<void> {
      await claims.settle(subjectOf(request), attempt, { outcome: 'sent', messageId: sent.messageId }, now);
      await requests.advance(
        { ...request, attempts: attempt },
        'sent',
        {
          type: 'request.sent',
          requestId: request._id.toHexString(),
          sentTo: request.recipient.email,
          at: sent.at,
        },
        sent.at,
        {
          ...SETTLED,
          attempts: attempt,
          sendgridMessageId: sent.messageId,
          sentAt: sent.at,
          lastError: null,
        },
      );
    },

    /**
     * The attempt certainly sent nothing: it is tried again at `failure.retryAt`, or fails visibly
     * (Retry) when that is null.
     */
    async recordNotSent(request: SendingRequest, failure: NotSentFailure, now: Date): Promise<void> {
      const subject = subjectOf(request);
      // A failure before the call leaves no call record: abandoning it says the attempt is over.
      await claims.abandon(subject, request.attempts, now);
      await claims.settle(subject, request.attempts, { outcome: 'not_sent', failure }, now);
      const lastError = { code: failure.code, message: failure.message };
      if (failure.retryAt) {
        await requests.set(request._id, { ...SETTLED, lastError, nextAttemptAt: failure.retryAt });
        return;
      }
      // Its entry is told apart by the attempt that failed: a Retry that fails again says so again.
      await requests.advance(
        request,
        'failed',
        {
          type: 'request.failed',
          requestId: request._id.toHexString(),
          code: failure.code,
          message: failure.message,
        },
        now,
        { ...SETTLED, lastError },
      );
    },

    /** No answer came: the attempt waits for SendGrid's event until `until`, and sends nothing more. */
    async awaitEvent(request: SendingRequest, until: Date, now: Date): Promise<void> {
      await claims.settle(subjectOf(request), request.attempts, { outcome: 'unknown' }, now);
      await requests.set(request._id, { confirmBy: until });
    },

    /** No answer and no event in time: the thread says so and offers Send again. */
    async recordUnconfirmed(request: SendingRequest, now: Date): Promise<void> {
      await claims.settle(subjectOf(request), request.attempts, { outcome: 'unconfirmed' }, now);
      await requests.advance(
        request,
        'failed',
        {
          type: 'request.unconfirmed',
          requestId: request._id.toHexString(),
          sentTo: request.recipient.email,
        },
        now,
        {
          ...SETTLED,
          lastError: { code: 'send_outcome_unknown', message: 'SendGrid neither answered nor reported it' },
        },
      );
    },

    /** The attempt was abandoned before calling SendGrid: the next attempt may start now. */
    async release(request: SendingRequest, attempt: number, now: Date): Promise<void> {
      await requests.set(request._id, {
        ...SETTLED,
        attempts: Math.max(request.attempts, attempt),
        nextAttemptAt: now,
      });
    },

    /**
     * Whether an event from SendGrid about attempt `attempt` settles it: the request is still waiting
     * for that attempt (queued, or failed as unconfirmed) and no later attempt has begun.
     */
    isAwaitingOutcome(request: SendingRequest, attempt: number): boolean {
      if (request.attempts !== attempt) return false;
      const waiting: RequestStatus[] = ['queued'];
      if (request.lastError?.code === 'send_outcome_unknown') waiting.push('failed');
      return waiting.includes(request.status);
    },
  };
}

export type SendOutcomes = ReturnType<typeof createSendOutcomes>;
