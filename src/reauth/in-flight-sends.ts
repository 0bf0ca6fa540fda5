import { SendSubject } from '../domain/record-ids';
import {
  type AttemptRecords,
  afterLastAttempt,
  inFlightStep,
  type SendTimings,
} from '../domain/send-attempt';
import type { Logger } from '../logger';
import type { ReauthRequestDocument, RequestStore } from '../store/requests';
import type { SendClaims } from '../store/send-claims';
import type { SendOutcomes } from './send-outcomes';

export interface InFlightSendsDeps {
  requests: RequestStore;
  claims: SendClaims;
  outcomes: SendOutcomes;
  timings: SendTimings;
  clock: () => Date;
  log: Logger;
  /** Asks for another look at in-flight sends at `at` (a claim running out, a window closing). */
  lookAgainAt: (at: Date) => void;
}

/**
 * Sends that may be under way: the ones this process is sending, ones another relink process is
 * sending, and ones a crash left behind, told apart only by their records (domain/send-attempt.ts).
 * Each look moves an attempt on by one step, or asks to look again when its next deadline comes.
 */
export function createInFlightSends(deps: InFlightSendsDeps) {
  const { claims, outcomes, clock, log } = deps;
  const upSince = clock();
  const subjectOf = (request: ReauthRequestDocument) => SendSubject.request(request._id.toHexString());

  const recordsOf = async (request: ReauthRequestDocument, attempt: number): Promise<AttemptRecords> => {
    const subject = subjectOf(request);
    const [claim, call] = await Promise.all([
      claims.findClaim(subject, attempt),
      claims.findCall(subject, attempt),
    ]);
    return { claim, call };
  };

  /** Moves one in-flight request on (`sendingSince` set): see {@link inFlightStep}. */
  async function settle(request: ReauthRequestDocument, sendingSince: Date): Promise<void> {
    const attempt = request.attempts;
    const records = await recordsOf(request, attempt);
    const now = clock();
    const step = inFlightStep({
      ...records,
      confirmBy: request.confirmBy,
      sendingSince,
      upSince,
      now,
      timings: deps.timings,
    });
    const requestId = request._id.toHexString();
    switch (step.kind) {
      case 'wait':
        deps.lookAgainAt(step.until);
        return;
      case 'abandon': {
        const call = await claims.abandon(subjectOf(request), attempt, now);
        // Its owner called just before: the next look follows that call instead.
        if (call.state === 'called') return deps.lookAgainAt(now);
        log.info({ requestId, attempt }, 'send attempt abandoned before calling SendGrid');
        return outcomes.release(request, attempt, now);
      }
      case 'release':
        return outcomes.release(request, attempt, now);
      case 'apply':
        return applyDecided(request, step.outcome, records, now);
      case 'await_event':
        log.warn({ requestId, attempt }, 'send outcome unknown: waiting for SendGrid to report it');
        await outcomes.awaitEvent(request, step.until, now);
        deps.lookAgainAt(step.until);
        return;
      case 'unconfirmed':
        log.warn({ requestId, attempt }, 'send outcome unknown: SendGrid did not report it in time');
        return outcomes.recordUnconfirmed(request, now);
    }
  }

  /** Finishes applying an outcome that was recorded before a crash stopped its request's write. */
  async function applyDecided(
    request: ReauthRequestDocument,
    outcome: 'sent' | 'not_sent' | 'unconfirmed',
    records: AttemptRecords,
    now: Date,
  ): Promise<void> {
    if (outcome === 'unconfirmed') return outcomes.recordUnconfirmed(request, now);
    if (outcome === 'sent') {
      const messageId = records.call?.state === 'called' ? (records.call.messageId ?? '') : '';
      return outcomes.recordSent(request, request.attempts, { messageId, at: request.sentAt ?? now }, now);
    }
    const failure = await claims.failureOf(subjectOf(request), request.attempts);
    return outcomes.recordNotSent(
      request,
      failure ?? { code: 'email_unavailable', message: 'relink stopped after the send failed', retryAt: now },
      now,
    );
  }

  return {
    /** Looks at every in-flight request once. */
    async settleAll(limit: number): Promise<void> {
      for (const request of await deps.requests.inFlight(limit)) {
        await settle(request, request.sendingSince ?? clock());
      }
    },

    /**
     * Whether a due request may start its next attempt. Its last attempt must be finished for good:
     * one that sent is only shown (a Retry raced with it), and one that may still send is handled as
     * in flight, never overtaken.
     */
    async mayStartNext(request: ReauthRequestDocument): Promise<boolean> {
      if (request.attempts === 0) return true;
      const records = await recordsOf(request, request.attempts);
      const verdict = afterLastAttempt(records);
      if (verdict === 'start') return true;
      const now = clock();
      if (verdict === 'sent') await applyDecided(request, 'sent', records, now);
      else {
        await deps.requests.set(request._id, { sendingSince: now });
        await settle(request, now);
      }
      return false;
    },

    /**
     * Another sender holds the claim this one wanted. If it died before it could mark the request,
     * its claim runs out unused: abandon it, and the attempt after it may start.
     */
    async claimTaken(request: ReauthRequestDocument, attempt: number): Promise<void> {
      const records = await recordsOf(request, attempt);
      const now = clock();
      if (records.call || !records.claim) return;
      if (now < records.claim.callBy) return deps.lookAgainAt(records.claim.callBy);
      const call = await claims.abandon(subjectOf(request), attempt, now);
      if (call.state === 'abandoned') await outcomes.release(request, attempt, now);
    },
  };
}

export type InFlightSends = ReturnType<typeof createInFlightSends>;
