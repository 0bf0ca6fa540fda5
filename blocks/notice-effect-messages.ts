import { RelinkError } from '../src/domain/errors';
import { problemFactsOf } from '../src/domain/problem-words';
import type { OutboxEffect } from '../src/domain/reauth-request';
import type { NoticeData } from '../src/reauth/notice-data';
import { expiryWarningMessage } from './expiry-warning-message';
import { noticeMessage, noticeThreadReply } from './notice-message';
import { noResponseReply, reminderSentReply, remindersStoppedReply } from './reminder-messages';
import { sendUnconfirmedReply } from './send-unconfirmed-message';
import type { SlackMessage } from './slack-message';

// Outbox effects are stored as Mixed, so their dates come back as whatever the driver returns: every
// date read from an effect is re-created rather than trusted.

/**
 * The top-level message as it should read after `effect`: the incident notice, or for an expiry
 * warning the warning itself. `at` is when the effect happened.
 */
export function effectNoticeMessage(
  effect: OutboxEffect,
  data: NoticeData,
  at: Date,
  now: Date,
): SlackMessage {
  if (effect.type === 'incident.resolved') {
    // The notice of a resolved incident reads resolved even if a newer incident has already begun.
    const status = { ...data.status, state: 'active' as const, incidentOpen: false };
    return noticeMessage({ ...data, status, resolvedAt: at }, now);
  }
  if (effect.type === 'expiry.warning') return warningMessage(data, effect.expiresAt, now);
  return noticeMessage(data, now);
}

/** The one reply `effect` adds in its notice's thread. */
export function effectThreadReply(effect: OutboxEffect, data: NoticeData, now: Date): SlackMessage {
  switch (effect.type) {
    case 'incident.opened': {
      const status = problemFactsOf({ ...data.status, state: effect.state, reason: effect.reason });
      return noticeThreadReply({ kind: 'state_changed', status }, now);
    }
    case 'incident.changed': {
      const status = problemFactsOf({ ...data.status, state: effect.to, reason: effect.reason });
      return noticeThreadReply({ kind: 'state_changed', status }, now);
    }
    case 'incident.resolved':
      return noticeThreadReply({ kind: 'resolved' }, now);
    case 'incident.triaged':
      return noticeThreadReply({ kind: 'triaged', change: effect.change }, now);
    case 'request.queued':
      return noticeThreadReply({ kind: 'request_queued', requestedBy: effect.requestedBy }, now);
    case 'request.sent':
      return noticeThreadReply({ kind: 'request_sent', sentTo: effect.sentTo, at: new Date(effect.at) }, now);
    case 'request.bounced':
      return noticeThreadReply(
        { kind: 'request_bounced', sentTo: effect.sentTo, reason: effect.reason ?? null },
        now,
      );
    case 'request.suppressed':
      return noticeThreadReply(
        { kind: 'request_suppressed', sentTo: effect.sentTo, reason: effect.reason },
        now,
      );
    case 'request.failed':
      return noticeThreadReply(
        {
          kind: 'send_failed',
          code: effect.code,
          requestId: effect.requestId,
          ...(effect.message ? { message: effect.message } : {}),
        },
        now,
      );
    case 'request.unconfirmed':
      return sendUnconfirmedReply(effect);
    case 'request.reminded':
      return reminderSentReply({ ...effect, at: new Date(effect.at) });
    case 'request.no_response':
      return noResponseReply(effect.reminders);
    case 'request.reminders_stopped':
      return remindersStoppedReply(effect.stoppedBy);
    case 'expiry.warning':
      return warningMessage(data, effect.expiresAt, now);
    default:
      // Only a new effect type without a message here lands in this branch: a programming error.
      throw new RelinkError('unknown_effect', `unknown outbox effect ${(effect as { type: string }).type}`);
  }
}

const warningMessage = (data: NoticeData, expiresAt: Date, now: Date): SlackMessage =>
  expiryWarningMessage({ ...data, expiresAt: new Date(expiresAt) }, now);
