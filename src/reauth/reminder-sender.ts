import { asRelinkError, RelinkError } from '../domain/errors';
import { maskEmail } from '../domain/mask-email';
import { SendSubject } from '../domain/record-ids';
import type { SendTimings } from '../domain/send-attempt';
import type { Mailer } from '../email/mailer';
import { MailError } from '../email/mailer';
import type { Logger } from '../logger';
import type { AuthorizationDocument } from '../store/models';
import type { ReminderQueueEntry } from '../store/reminder-queue';
import type { ReauthRequestDocument } from '../store/requests';
import type { SendClaims } from '../store/send-claims';
import type { UtilityApiAccounts } from '../workspaces/utilityapi-accounts';
import { requestEmail } from './request-email';

export interface ReminderSenderDeps {
  claims: SendClaims;
  mailer: Mailer | null;
  utilityapi: UtilityApiAccounts;
  senderName: string;
  clock: () => Date;
  log: Logger;
  timings: Pick<SendTimings, 'callWithinMs' | 'answerWithinMs'>;
}

/** What one try at a reminder came to. */
export type ReminderAttempt =
  /** It went out (or may have: its outcome is unknown, and relink never sends a second one on its own). */
  | { kind: 'sent'; at: Date; confirmed: boolean }
  /** It certainly sent nothing; the next try is attempt + 1. */
  | { kind: 'not_sent'; code: string }
  /** Another sender holds it, or it is no longer due: nothing to do now. */
  | { kind: 'skipped' };

/** Re-reads what the claim protects: the request and its series, as they are after the claim. */
export type StillDue = () => Promise<boolean>;

/**
 * Sends one reminder exactly once, like a first send (request-sender.ts): the attempt is claimed by
 * a unique insert before anything happens, the request re-read after the claim, and the call recorded
 * just before SendGrid is called. Each reminder gets a fresh reauthorization link: a form can expire
 * (PLATFORM-NOTES.md), and by now the first one may have.
 */
export function createReminderSender(deps: ReminderSenderDeps) {
  const { claims, clock } = deps;
  const log = deps.log.child({ component: 'reminder-sender' });

  /** Finishes an attempt another sender (or a crash) left: its records say what happened. */
  async function taken(subject: string, attempt: number): Promise<ReminderAttempt> {
    const [claim, call] = await Promise.all([
      claims.findClaim(subject, attempt),
      claims.findCall(subject, attempt),
    ]);
    const now = clock();
    if (call?.state === 'abandoned') return { kind: 'not_sent', code: 'abandoned' };
    if (call?.state === 'called') {
      if (call.outcome === 'sent') return { kind: 'sent', at: call.calledAt, confirmed: true };
      if (call.outcome === 'not_sent') return { kind: 'not_sent', code: 'not_sent' };
      // Called, no outcome yet: its sender may still be waiting for SendGrid's answer.
      if (call.outcome === null && now < call.answerBy) return { kind: 'skipped' };
      return { kind: 'sent', at: call.calledAt, confirmed: false };
    }
    if (claim && now >= claim.callBy) {
      const after = await claims.abandon(subject, attempt, now);
      return after.state === 'abandoned' ? { kind: 'not_sent', code: 'abandoned' } : { kind: 'skipped' };
    }
    return { kind: 'skipped' };
  }

  async function freshLink(authorization: AuthorizationDocument, request: ReauthRequestDocument) {
    const client =
      authorization.source === 'utilityapi'
        ? await deps.utilityapi.clientFor(authorization.workspaceId)
        : null;
    if (!client) throw new RelinkError('form_failed', 'relink cannot create a reauthorization link here');
    return client.createForm({
      ...(authorization.state === 'revoked' ? {} : { authorization_uid: authorization.externalId }),
      customer_email: request.recipient.email,
      utility: request.utility,
    });
  }

  return {
    /** Tries reminder `number` of `request` once; `stillDue` is asked after the claim. */
    async send(input: {
      entry: ReminderQueueEntry;
      request: ReauthRequestDocument;
      authorization: AuthorizationDocument;
      number: number;
      stillDue: StillDue;
    }): Promise<ReminderAttempt> {
      const { entry, request, authorization, number } = input;
      const requestId = request._id.toHexString();
      const subject = SendSubject.reminder(requestId, number);
      const attempt = entry.attempt;
      const claimedAt = clock();
      const callBy = new Date(claimedAt.getTime() + deps.timings.callWithinMs);
      if (!(await claims.claim(subject, attempt, claimedAt, callBy))) return taken(subject, attempt);
      if (!(await input.stillDue())) {
        await claims.abandon(subject, attempt, clock());
        return { kind: 'skipped' };
      }
      try {
        if (!deps.mailer) throw new RelinkError('email_not_configured', 'SENDGRID_API_KEY is not set');
        const link = await freshLink(authorization, request);
        const { rendered, templateData } = requestEmail(request, link.url, deps.senderName, { number });
        const calledAt = clock();
        const answerBy = new Date(calledAt.getTime() + deps.timings.answerWithinMs);
        // Past its time to call, the attempt may already be abandoned by a sweep: then it must not call.
        if (calledAt >= callBy || !(await claims.startCall(subject, attempt, calledAt, answerBy))) {
          await claims.abandon(subject, attempt, calledAt);
          return { kind: 'not_sent', code: 'too_slow' };
        }
        // The request's id in custom_args: SendGrid's reports of a reminder move the request on too.
        const { messageId } = await deps.mailer.send({
          requestId,
          attempt: request.attempts,
          to: request.recipient,
          rendered,
          templateData,
        });
        await claims.settle(subject, attempt, { outcome: 'sent', messageId }, clock());
        log.info({ requestId, number, to: maskEmail(request.recipient.email) }, 'reminder sent');
        // Dated from its call, like a reminder recovered after a crash (above): the next counts from it.
        return { kind: 'sent', at: calledAt, confirmed: true };
      } catch (err) {
        return failed(subject, attempt, requestId, err);
      }
    },
  };

  async function failed(subject: string, attempt: number, requestId: string, err: unknown) {
    const e = asRelinkError(err);
    const now = clock();
    if (e.code === 'send_outcome_unknown') {
      // It may have gone out: never a second one on its own; it counts as sent.
      await claims.settle(subject, attempt, { outcome: 'unknown' }, now);
      log.warn({ requestId, err: e }, 'reminder outcome unknown: counted as sent');
      return { kind: 'sent' as const, at: now, confirmed: false };
    }
    const call = await claims.abandon(subject, attempt, now);
    if (call.state === 'called') {
      const failure = { code: e.code, message: e.message.slice(0, 300), retryAt: null };
      await claims.settle(subject, attempt, { outcome: 'not_sent', failure }, now);
    }
    const retryable = err instanceof MailError ? err.retryable : true;
    log.warn({ requestId, code: e.code, attempt, retryable }, 'reminder not sent');
    return { kind: 'not_sent' as const, code: e.code };
  }
}

export type ReminderSender = ReturnType<typeof createReminderSender>;
