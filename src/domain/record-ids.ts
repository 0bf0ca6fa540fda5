import type { AuthorizationSource } from './authorization';
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
export const authorizationKeyId = (source: AuthorizationSource, externalId: string): string =>
  `${source}:${externalId}`;

/** Outbox entries: what must reach Slack, one entry per thing that happened. */
export const OutboxId = {
  /** The `index`-th effect of a revision. */
  revisionEffect: (auditEventId: string, index: number): string => `${auditEventId}:${index}`,
  requestQueued: (requestId: string): string => `request:${requestId}:queued`,
  requestSent: (requestId: string): string => `request:${requestId}:sent`,
  requestBounced: (requestId: string): string => `request:${requestId}:bounced`,
  /** One per failed attempt series: a Retry that fails again says so again. */
  requestFailed: (requestId: string, attempt: number): string => `request:${requestId}:failed:${attempt}`,
  /** The entry of a request's effect; `attempt` is the send attempt a failure ends. */
  requestEffect: (effect: RequestEffect, attempt: number): string => {
    switch (effect.type) {
      case 'request.queued':
        return OutboxId.requestQueued(effect.requestId);
      case 'request.sent':
        return OutboxId.requestSent(effect.requestId);
      case 'request.bounced':
        return OutboxId.requestBounced(effect.requestId);
      case 'request.failed':
        return OutboxId.requestFailed(effect.requestId, attempt);
    }
  },
} as const;

/** Slack messages relink posts, claimed before posting so no message is posted twice. */
export const NoticeId = {
  /** The top-level message an outbox entry opened: an incident notice or an expiry warning. */
  own: (kind: 'incident' | 'warning', outboxId: string): string => `${kind}:${outboxId}`,
  /** The thread reply an outbox entry adds under its notice. */
  reply: (outboxId: string): string => `reply:${outboxId}`,
} as const;
