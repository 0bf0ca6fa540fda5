import type { PlatformKey } from './authorization';
import type { RequestEffect } from './reauth-request';

/**
 * Ids of stored records whose insert is a claim (DESIGN.md, "Database under test": a unique insert is
 * the only exactly-once primitive on FerretDB). Each id is built here and nowhere else, so two writers
 * of the same thing always collide on the same key.
 */

/** The audit event of an authorization's revision `version`: inserting it claims that version. */
export const auditEventId = (authorizationId: string, version: number): string =>
  `${authorizationId}:${version}`;

/** The key a platform knows an authorization by: inserting it claims the authorization. */
export const authorizationKeyId = (key: PlatformKey): string =>
  `${key.workspaceId}:${key.source}:${key.externalId}`;

/** Outbox entries: what must reach Slack, one entry per thing that happened. */
export const OutboxId = {
  /** The `index`-th effect of a revision. */
  revisionEffect: (auditEventId: string, index: number): string => `${auditEventId}:${index}`,
  requestQueued: (requestId: string): string => `request:${requestId}:queued`,
  requestSent: (requestId: string): string => `request:${requestId}:sent`,
  requestBounced: (requestId: string): string => `request:${requestId}:bounced`,
  requestSuppressed: (requestId: string): string => `request:${requestId}:suppressed`,
  /** One per failed attempt series: a Retry that fails again says so again. */
  requestFailed: (requestId: string, attempt: number): string => `request:${requestId}:failed:${attempt}`,
  /** One per unconfirmed attempt: a Send again that cannot be confirmed either says so again. */
  requestUnconfirmed: (requestId: string, attempt: number): string =>
    `request:${requestId}:unconfirmed:${attempt}`,
  /** One per reminder of a request. */
  requestReminded: (requestId: string, number: number): string => `request:${requestId}:reminder:${number}`,
  requestNoResponse: (requestId: string): string => `request:${requestId}:no_response`,
  requestRemindersStopped: (requestId: string): string => `request:${requestId}:reminders_stopped`,
  /** The entry of a request's effect; `attempt` is the send attempt a failure ends. */
  requestEffect: (effect: RequestEffect, attempt: number): string => {
    switch (effect.type) {
      case 'request.queued':
        return OutboxId.requestQueued(effect.requestId);
      case 'request.sent':
        return OutboxId.requestSent(effect.requestId);
      case 'request.bounced':
        return OutboxId.requestBounced(effect.requestId);
      case 'request.suppressed':
        return OutboxId.requestSuppressed(effect.requestId);
      case 'request.failed':
        return OutboxId.requestFailed(effect.requestId, attempt);
      case 'request.unconfirmed':
        return OutboxId.requestUnconfirmed(effect.requestId, attempt);
      case 'request.reminded':
        return OutboxId.requestReminded(effect.requestId, effect.number);
      case 'request.no_response':
        return OutboxId.requestNoResponse(effect.requestId);
      case 'request.reminders_stopped':
        return OutboxId.requestRemindersStopped(effect.requestId);
    }
  },
} as const;

/**
 * Records of sending one email (`send_attempts`). `subject` names what is sent: a reauth request's
 * own email is its request id ({@link SendSubject}); anything else that emails (a reminder) names
 * itself there, so its attempts never collide with the request's.
 */
export const SendAttemptId = {
  /** Inserting it claims attempt `attempt`: only its claimer may go on to call SendGrid. */
  claim: (subject: string, attempt: number): string => `${subject}:${attempt}`,
  /**
   * The attempt's call, written just before SendGrid is called, or instead as "abandoned" once its
   * time to call ran out: one id, so an attempt is either called or abandoned, never both.
   */
  call: (subject: string, attempt: number): string => `${subject}:${attempt}:call`,
} as const;

/** What one series of send attempts sends. */
export const SendSubject = {
  /** The reauth request's email. */
  request: (requestId: string): string => requestId,
  /** Reminder `number` of a reauth request (src/reauth/reminders.ts). */
  reminder: (requestId: string, number: number): string => `${requestId}:reminder:${number}`,
} as const;

/** Slack messages relink posts, claimed before posting so no message is posted twice. */
export const NoticeId = {
  /** The top-level message an outbox entry opened: an incident notice or an expiry warning. */
  own: (kind: 'incident' | 'warning', outboxId: string): string => `${kind}:${outboxId}`,
  /** The thread reply an outbox entry adds under its notice. */
  reply: (outboxId: string): string => `reply:${outboxId}`,
  /** A digest message, named for the first incident that opened it (the oldest waiting entry). */
  digest: (outboxId: string): string => `digest:${outboxId}`,
} as const;

/**
 * The audit event of a refused interaction (`access.refused`). `interactionKey` is the same in Slack's
 * retries of one interaction (a digest of its trigger_id or event_id), so a retry records nothing new.
 */
export const refusalAuditId = (actor: string, interactionKey: string): string =>
  `refused:${actor}:${interactionKey}`;
