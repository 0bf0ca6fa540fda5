import { asRelinkError, RelinkError } from '../domain/errors';
import { maskEmail } from '../domain/mask-email';
import { isOpenRequestStatus } from '../domain/reauth-request';
import { SendSubject } from '../domain/record-ids';
import { isSampleId, SAMPLE_REAUTH_FORM } from '../domain/samples';
import { DEFAULT_SEND_TIMINGS, type SendTimings } from '../domain/send-attempt';
import type { Mailer } from '../email/mailer';
import type { Logger } from '../logger';
import type { AuthorizationStore } from '../store/authorizations';
import type { ReauthRequestDocument, RequestStore } from '../store/requests';
import type { SendClaims } from '../store/send-claims';
import type { SuppressionStore } from '../store/suppressions';
import type { UtilityApiAccounts } from '../workspaces/utilityapi-accounts';
import { createSendPacing, type SendPacingOptions, sendInBatches } from './bulk-rate';
import { createInFlightSends } from './in-flight-sends';
import { requestEmail } from './request-email';
import { backoffMs, isRetryable, LinkTooSlow, refuseIfSuppressedSince } from './send-failures';
import { createSendOutcomes } from './send-outcomes';
import { createWakeTimer } from './wake-timer';

export interface RequestSenderDeps {
  requests: RequestStore;
  authorizations: AuthorizationStore;
  /** null without SENDGRID_API_KEY: requests stay queued (visible in the notice) until configured. */
  mailer: Mailer | null;
  /** The platform account of the request's workspace creates its reauthorization link. */
  utilityapi: UtilityApiAccounts;
  senderName: string;
  clock: () => Date;
  log: Logger;
  maxAttempts?: number;
  /** Claims on send attempts, shared by every relink process on the database. */
  claims: SendClaims;
  /** Shorter in tests; `answerWithinMs` defaults to the mailer's timeout plus 2 s. */
  timings?: Partial<SendTimings>;
  /** Runs the send step again when an attempt reaches a deadline, rather than at the job's next tick. */
  sendAgain?: () => void;
  /** How fast a pass sends (see bulk-rate.ts): sends in flight at once, links asked per second. */
  pacing?: SendPacingOptions;
  /** Addresses customers asked not to be emailed since: checked again just before each send. */
  suppressions?: Pick<SuppressionStore, 'find'>;
  /**
   * Latest requests still open whose customer relinked (the worklist's, from memory): the completion
   * sweep's candidates, each checked against the database before it is marked completed.
   */
  openRequestsOfRelinked?: () => Promise<string[]>;
}

// Beyond the mailer's own timeout: the answer is parsed and the claim checked after it.
const ANSWER_SLACK_MS = 2_000;

/**
 * Sends queued reauth requests: a reauthorization link from the platform, then the email through
 * SendGrid, each send exactly once however many senders run (issue 12). A sender claims an attempt
 * before anything happens, re-reads the request, and records its call to SendGrid just before making
 * it. Only failures that certainly sent nothing are retried by themselves (with backoff); a send whose
 * outcome is unknown (a timeout, a reset, a crash mid-call) waits for SendGrid's event, and without one
 * the thread offers Send again. Permanent failures fail visibly (Retry).
 */
export function createRequestSender(deps: RequestSenderDeps) {
  const log = deps.log.child({ component: 'request-sender' });
  const maxAttempts = deps.maxAttempts ?? 8;
  const timings: SendTimings = {
    ...DEFAULT_SEND_TIMINGS,
    ...(deps.mailer ? { answerWithinMs: deps.mailer.timeoutMs + ANSWER_SLACK_MS } : {}),
    ...deps.timings,
  };
  const { claims, clock } = deps;
  const { concurrency, formGate, sweep } = createSendPacing(deps.pacing);
  const outcomes = createSendOutcomes({ requests: deps.requests, claims });
  const wake = createWakeTimer(deps.sendAgain ?? null, clock);
  const inFlight = createInFlightSends({
    requests: deps.requests,
    claims,
    outcomes,
    timings,
    clock,
    log,
    lookAgainAt: wake.at,
  });

  async function reauthLink(request: ReauthRequestDocument): Promise<{ uid: string; url: string }> {
    if (request.platformForm) return request.platformForm;
    const authorization = await deps.authorizations.findById(request.authorizationId.toHexString());
    if (!authorization)
      throw new RelinkError('authorization_not_found', 'the authorization no longer exists');
    // `npm run demo`'s samples have no platform account behind them: their email gets a sample link.
    if (isSampleId(authorization.externalId)) return SAMPLE_REAUTH_FORM;
    const utilityapi =
      authorization.source === 'utilityapi'
        ? await deps.utilityapi.clientFor(authorization.workspaceId)
        : null;
    if (!utilityapi) {
      throw new RelinkError('form_failed', 'relink cannot create a reauthorization link for this platform');
    }
    await formGate.wait();
    // A revoked authorization cannot be renewed: the customer authorizes afresh on a new form.
    const form = await utilityapi.createForm({
      ...(authorization.state === 'revoked' ? {} : { authorization_uid: authorization.externalId }),
      customer_email: request.recipient.email,
      utility: request.utility,
    });
    const platformForm = { uid: form.uid, url: form.url };
    await deps.requests.set(request._id, { platformForm });
    return platformForm;
  }

  // Set by stop(): sends in flight finish and are recorded, no new one starts.
  let stopping = false;

  /** Claims the next attempt of a due request and, if it is still due, makes it. */
  async function sendOne(due: ReauthRequestDocument): Promise<void> {
    if (stopping || !(await inFlight.mayStartNext(due))) return;
    const id = due._id.toHexString();
    const subject = SendSubject.request(id);
    const attempt = due.attempts + 1;
    const now = clock();
    const callBy = new Date(now.getTime() + timings.callWithinMs);
    if (!(await claims.claim(subject, attempt, now, callBy))) return inFlight.claimTaken(due, attempt);
    // The claim is exclusive, but the request may have moved since it was read (sent, superseded).
    const fresh = await deps.requests.findById(id);
    if (!fresh || !isStillDue(fresh, due.attempts, now)) {
      await claims.abandon(subject, attempt, now);
      return;
    }
    await deps.requests.set(due._id, { sendingSince: now, attempts: attempt, confirmBy: null });
    const sending = { ...fresh, sendingSince: now, attempts: attempt, confirmBy: null };
    let sent: { messageId: string; calledAt: Date };
    try {
      await refuseIfSuppressedSince(deps, sending);
      const called = await callSendGrid(sending, callBy);
      if (!called) return;
      sent = called;
    } catch (err) {
      await handleFailure(sending, err);
      return;
    }
    // Not inside the try: a failure to record a sent email must never count as "not sent". The email
    // is dated from its call, as a send recovered after a crash is: SendGrid may have it (and the customer
    // read it) before its answer arrives, and the reminders and the cooldown count from that date.
    await outcomes.recordSent(sending, attempt, { messageId: sent.messageId, at: sent.calledAt }, clock());
    log.info({ requestId: id, attempt, to: maskEmail(sending.recipient.email) }, 'reauth email sent');
  }

  /**
   * Makes the link and the email, records the call, and calls SendGrid: its message id, and when it was
   * called. Null when the attempt was abandoned by another sender's sweep first (its claim ran out):
   * then nothing is sent, and that sweep has released the request.
   */
  async function callSendGrid(
    request: ReauthRequestDocument,
    callBy: Date,
  ): Promise<{ messageId: string; calledAt: Date } | null> {
    if (!deps.mailer) throw new RelinkError('email_not_configured', 'SENDGRID_API_KEY is not set');
    const link = await reauthLink(request);
    const { rendered, templateData } = requestEmail(request, link.url, deps.senderName);
    const calledAt = clock();
    const subject = SendSubject.request(request._id.toHexString());
    if (calledAt >= callBy) {
      const call = await claims.abandon(subject, request.attempts, calledAt);
      if (call.state === 'abandoned') throw new LinkTooSlow();
    }
    const answerBy = new Date(calledAt.getTime() + timings.answerWithinMs);
    if (!(await claims.startCall(subject, request.attempts, calledAt, answerBy))) {
      log.warn({ requestId: request._id.toHexString() }, 'send attempt abandoned by another sender');
      return null;
    }
    const { messageId } = await deps.mailer.send({
      requestId: request._id.toHexString(),
      attempt: request.attempts,
      to: request.recipient,
      rendered,
      templateData,
    });
    return { messageId, calledAt };
  }

  async function handleFailure(request: ReauthRequestDocument, err: unknown) {
    const id = request._id.toHexString();
    const attempt = request.attempts;
    const e = asRelinkError(err);
    const now = clock();
    if (e.code === 'send_outcome_unknown') {
      // Never an automatic second email: SendGrid's event says whether the first went out.
      const until = new Date(now.getTime() + timings.confirmWithinMs);
      log.warn({ requestId: id, attempt, err: e }, 'send outcome unknown: waiting for SendGrid to report it');
      await outcomes.awaitEvent(request, until, now);
      wake.at(until);
      return;
    }
    const { retry, afterMs } = isRetryable(err);
    const again = retry && attempt < maxAttempts;
    if (again) log.warn({ requestId: id, code: e.code, attempt }, 'reauth send will be retried');
    else log.error({ requestId: id, err: e, attempt }, 'reauth send failed');
    const retryAt = again ? new Date(now.getTime() + backoffMs(attempt, afterMs)) : null;
    await outcomes.recordNotSent(request, { code: e.code, message: e.message.slice(0, 300), retryAt }, now);
  }

  return {
    /**
     * Moves every in-flight send on (see in-flight-sends.ts), then sends every due request, a few at
     * a time. Safe to run in several places at once: every attempt is claimed.
     */
    async sendDue(limit = 50): Promise<number> {
      await inFlight.settleAll(limit);
      const due = async () => (stopping ? [] : deps.requests.dueForSending(clock(), limit));
      return sendInBatches({ due, limit, concurrency, send: sendOne, sweep });
    },

    /** relink is stopping: no new send starts, and the deadline timer stops. */
    stop: () => {
      stopping = true;
      wake.stop();
    },

    /**
     * Marks open requests of relinked authorizations completed (throttled while sends keep coming). The
     * candidates come from memory; each is read by `_id` and checked before it changes.
     */
    async completeResolved(): Promise<number> {
      if (!sweep.shouldRun(clock().getTime()) || !deps.openRequestsOfRelinked) return 0;
      let completed = 0;
      for (const id of await deps.openRequestsOfRelinked()) {
        const request = await deps.requests.findById(id);
        if (!request || !isOpenRequestStatus(request.status)) continue;
        const authorization = await deps.authorizations.findById(request.authorizationId.toHexString());
        if (authorization?.state === 'active' && !authorization.incidentOpen) {
          await deps.requests.advance(request, 'completed', null, deps.clock());
          completed++;
        }
      }
      return completed;
    },
  };
}

export type RequestSender = ReturnType<typeof createRequestSender>;

/** Still the request the sender read: queued, on the same attempt, not in flight, and due. */
const isStillDue = (request: ReauthRequestDocument, attempts: number, now: Date): boolean =>
  request.status === 'queued' &&
  request.attempts === attempts &&
  request.sendingSince === null &&
  request.nextAttemptAt.getTime() <= now.getTime();
