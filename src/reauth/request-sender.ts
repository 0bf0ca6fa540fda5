import { asRelinkError, RelinkError, type RelinkErrorCode } from '../domain/errors';
import type { Mailer } from '../email/mailer';
import { MailError } from '../email/mailer';
import { renderReauthEmail } from '../email/reauth-email';
import type { Logger } from '../logger';
import type { UtilityApiClient } from '../platforms/utilityapi/client';
import { UtilityApiError } from '../platforms/utilityapi/errors';
import type { AuthorizationStore } from '../store/authorizations';
import type { ReauthRequestDocument, RequestStore } from '../store/requests';

export interface RequestSenderDeps {
  requests: RequestStore;
  authorizations: AuthorizationStore;
  /** null without SENDGRID_API_KEY: requests stay queued (visible in the notice) until configured. */
  mailer: Mailer | null;
  utilityapi: UtilityApiClient | null;
  senderName: string;
  clock: () => Date;
  log: Logger;
  maxAttempts?: number;
}

/** 429/5xx/network: 10 s, 20 s, 40 s … capped at 15 minutes, unless the service says when. */
const backoffMs = (attempts: number, hinted: number | null) =>
  Math.max(hinted ?? 0, Math.min(10_000 * 2 ** (attempts - 1), 900_000));

// A send that was in flight this long ago crashed: its outcome is unknown, so it is not re-sent blindly.
const STUCK_AFTER_MS = 10 * 60_000;

const isRetryable = (err: unknown): { retry: boolean; afterMs: number | null } => {
  if (err instanceof MailError) return { retry: err.retryable, afterMs: err.retryAfterMs };
  if (err instanceof UtilityApiError) return { retry: err.code === 'utilityapi_unavailable', afterMs: null };
  return { retry: false, afterMs: null };
};

/**
 * Sends queued reauth requests: a reauthorization link from the platform, then the email through
 * SendGrid. Each request is marked in flight before SendGrid is called, so a crash can never lead
 * to a second email; transient failures retry with backoff, permanent ones fail visibly (Retry).
 */
export function createRequestSender(deps: RequestSenderDeps) {
  const log = deps.log.child({ component: 'request-sender' });
  const maxAttempts = deps.maxAttempts ?? 8;

  async function reauthLink(request: ReauthRequestDocument): Promise<{ uid: string; url: string }> {
    if (request.platformForm) return request.platformForm;
    const authorization = await deps.authorizations.findById(request.authorizationId.toHexString());
    if (!authorization)
      throw new RelinkError('authorization_not_found', 'the authorization no longer exists');
    if (authorization.source !== 'utilityapi' || !deps.utilityapi) {
      throw new RelinkError('form_failed', 'relink cannot create a reauthorization link for this platform');
    }
    // A revoked authorization cannot be renewed: the customer authorizes afresh on a new form.
    const form = await deps.utilityapi.createForm({
      ...(authorization.state === 'revoked' ? {} : { authorization_uid: authorization.externalId }),
      customer_email: request.recipient.email,
      utility: request.utility,
    });
    const platformForm = { uid: form.uid, url: form.url };
    await deps.requests.set(request._id, { platformForm });
    return platformForm;
  }

  async function sendOne(request: ReauthRequestDocument): Promise<void> {
    const id = request._id.toHexString();
    const attempt = request.attempts + 1;
    const now = deps.clock();
    await deps.requests.set(request._id, { sendingSince: now, attempts: attempt });
    const sending = { ...request, sendingSince: now, attempts: attempt };
    try {
      if (!deps.mailer) throw new RelinkError('email_not_configured', 'SENDGRID_API_KEY is not set');
      const link = await reauthLink(request);
      const rendered = renderReauthEmail({
        customerName: request.recipient.name,
        utility: request.utility,
        reason: request.problem,
        note: request.note,
        senderName: deps.senderName,
        reauthUrl: link.url,
      });
      const { messageId } = await deps.mailer.send({
        requestId: id,
        to: request.recipient,
        rendered,
        templateData: {
          customerName: request.recipient.name,
          utility: request.utility,
          note: request.note,
          reauthUrl: link.url,
          senderName: deps.senderName,
        },
      });
      const sentAt = deps.clock();
      await deps.requests.advance(
        sending,
        'sent',
        { type: 'request.sent', requestId: id, sentTo: request.recipient.email, at: sentAt },
        sentAt,
        { sendgridMessageId: messageId, sentAt, sendingSince: null },
      );
      log.info({ requestId: id, email: request.recipient.email }, 'reauth email sent');
    } catch (err) {
      await handleFailure(sending, err);
    }
  }

  async function handleFailure(request: ReauthRequestDocument, err: unknown) {
    const id = request._id.toHexString();
    const attempt = request.attempts;
    const e = asRelinkError(err);
    const now = deps.clock();
    const { retry, afterMs } = isRetryable(err);
    const lastError = { code: e.code, message: e.message.slice(0, 300) };
    if (retry && attempt < maxAttempts) {
      log.warn({ requestId: id, code: e.code, attempt }, 'reauth send will be retried');
      await deps.requests.set(request._id, {
        sendingSince: null,
        lastError,
        nextAttemptAt: new Date(now.getTime() + backoffMs(attempt, afterMs)),
      });
      return;
    }
    log.error({ requestId: id, err: e, attempt }, 'reauth send failed');
    await fail(request, lastError, now);
  }

  async function fail(
    request: ReauthRequestDocument,
    error: { code: RelinkErrorCode; message: string },
    now: Date,
  ) {
    const id = request._id.toHexString();
    // Its entry is told apart by the attempt that failed: a Retry that fails again says so again, and a
    // send swept up after a crash between this entry and the status finds the entry already there.
    await deps.requests.advance(
      request,
      'failed',
      { type: 'request.failed', requestId: id, code: error.code, message: error.message },
      now,
      { sendingSince: null, lastError: error },
    );
  }

  return {
    /** Sends every due request, one at a time (the job runs under agenda's claimed lock). */
    async sendDue(limit = 50): Promise<number> {
      const now = deps.clock();
      for (const stuck of await deps.requests.stuckSending(new Date(now.getTime() - STUCK_AFTER_MS))) {
        await fail(stuck, { code: 'send_outcome_unknown', message: 'relink stopped while sending' }, now);
      }
      const due = await deps.requests.dueForSending(now, limit);
      for (const request of due) await sendOne(request);
      return due.length;
    },

    /** Marks open requests of relinked authorizations completed. */
    async completeResolved(): Promise<number> {
      let completed = 0;
      for (const request of await deps.requests.allOpen(500)) {
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
