import { auditActorOf, type SlackActor } from '../domain/actor';
import { RelinkError } from '../domain/errors';
import type { RequestEffect } from '../domain/reauth-request';
import { nextInSeries, REMINDABLE_STATUSES, type ReminderSettings, reminderStep } from '../domain/reminders';
import { DEFAULT_SEND_TIMINGS } from '../domain/send-attempt';
import { renderReauthEmail } from '../email/reauth-email';
import type { AuthorizationStore } from '../store/authorizations';
import type { ReminderQueueEntry } from '../store/reminder-queue';
import type { ReauthRequestDocument, RequestStore } from '../store/requests';
import type { ReminderPreview, ReminderSchedule } from './reminder-data';
import { createReminderSender, type ReminderAttempt, type ReminderSenderDeps } from './reminder-sender';

export type { ReminderPreview, ReminderSchedule } from './reminder-data';

export interface RemindersDeps extends Omit<ReminderSenderDeps, 'timings'> {
  requests: RequestStore;
  authorizations: AuthorizationStore;
  /** Shorter in tests; by default a first send's (the mailer's timeout plus 2 s to answer). */
  timings?: Partial<ReminderSenderDeps['timings']>;
  /** The workspace's reminder setting (src/domain/workspace.ts, remindersOf). */
  settingsOf: (workspaceId: string) => Promise<ReminderSettings>;
  /** Whether the customer asked for no more email (spam report, unsubscribe); none when absent. */
  isSuppressed?: (workspaceId: string, email: string) => Promise<boolean>;
}

/** A try that certainly sent nothing waits this long per attempt; after the last, the series ends. */
const RETRY_EVERY_MS = 15 * 60_000;
const MAX_ATTEMPTS = 5;

/**
 * Follow-through after the email (issue 12): reminders on the workspace's schedule, then "no response";
 * Stop reminders; what the notice, the Home and the preview show of it. The job reads only the small
 * reminder queue (store/reminder-queue.ts), never the growing requests.
 */
export function createReminders(deps: RemindersDeps) {
  const { requests, clock } = deps;
  const queue = requests.reminderQueue;
  const log = deps.log.child({ component: 'reminders' });
  const system = 'system';
  const sender = createReminderSender({
    ...deps,
    timings: {
      callWithinMs: DEFAULT_SEND_TIMINGS.callWithinMs,
      answerWithinMs: (deps.mailer?.timeoutMs ?? 10_000) + 2_000,
      ...deps.timings,
    },
  });
  // The outbox entry is recorded once whoever repeats the step: its first recorder writes the audit event.
  const recordOnce = (request: ReauthRequestDocument, effect: RequestEffect, now: Date) =>
    requests.recordEffect(request, effect, now);

  async function audit(
    request: ReauthRequestDocument,
    actor: string,
    record: 'reminder.sent' | 'request.no_response' | 'reminders.stopped',
    sourceEventId: string,
    now: Date,
  ) {
    await deps.authorizations.applyById(request.authorizationId.toHexString(), {
      actor,
      record,
      sourceEventId,
      now,
    });
  }

  async function afterAttempt(
    entry: ReminderQueueEntry,
    request: ReauthRequestDocument,
    number: number,
    result: ReminderAttempt,
  ) {
    const now = clock();
    if (result.kind === 'skipped') return;
    if (result.kind === 'not_sent') {
      if (entry.attempt >= MAX_ATTEMPTS) {
        log.error(
          { requestId: entry.requestId, number, code: result.code },
          'reminder never sent: reminders end',
        );
        await queue.remove(entry._id, entry.requestId);
        return;
      }
      await queue.retryLater(
        entry,
        entry.attempt + 1,
        new Date(now.getTime() + RETRY_EVERY_MS * entry.attempt),
      );
      return;
    }
    const requestId = request._id.toHexString();
    const effect: RequestEffect = {
      type: 'request.reminded',
      requestId,
      sentTo: request.recipient.email,
      at: result.at,
      number,
    };
    const first = await recordOnce(request, effect, now);
    await requests.set(request._id, { remindersSent: number });
    if (first) await audit(request, system, 'reminder.sent', `${requestId}:reminder:${number}`, now);
    await queue.recordReminder(entry, number, result.at);
  }

  async function markNoResponse(entry: ReminderQueueEntry, request: ReauthRequestDocument) {
    const now = clock();
    const requestId = request._id.toHexString();
    const effect: RequestEffect = { type: 'request.no_response', requestId, reminders: entry.sent };
    const first = await recordOnce(request, effect, now);
    await requests.advance(request, 'no_response', null, now);
    if (first) await audit(request, system, 'request.no_response', `${requestId}:no_response`, now);
    await queue.remove(entry._id, entry.requestId);
    log.info({ requestId, reminders: entry.sent }, 'no response after reminders');
  }

  async function stepFor(entry: ReminderQueueEntry, now: Date) {
    const [request, authorization] = await Promise.all([
      requests.findById(entry.requestId),
      deps.authorizations.findById(entry._id),
    ]);
    if (!request || !authorization)
      return { step: { kind: 'drop', why: 'not_awaiting' } as const, request, authorization };
    const suppressed =
      (await deps.isSuppressed?.(authorization.workspaceId, request.recipient.email)) ?? false;
    const step = reminderStep({
      series: { lastEmailAt: entry.lastEmailAt, sent: entry.sent },
      settings: await deps.settingsOf(authorization.workspaceId),
      requestStatus: request.status,
      stopped: Boolean(request.remindersStoppedBy),
      relinked: authorization.state === 'active' || !authorization.incidentOpen,
      suppressed,
      retryAt: entry.retryAt,
      now,
    });
    return { step, request, authorization };
  }

  /** Moves one series on by its step. */
  async function remindOne(entry: ReminderQueueEntry): Promise<void> {
    const { step, request, authorization } = await stepFor(entry, clock());
    if (step.kind === 'wait') return;
    if (step.kind === 'drop' || !request || !authorization) {
      log.info(
        { requestId: entry.requestId, why: step.kind === 'drop' ? step.why : 'missing' },
        'reminders end',
      );
      return queue.remove(entry._id, entry.requestId);
    }
    if (step.kind === 'no_response') return markNoResponse(entry, request);
    const number = step.number;
    // After the claim: the request and its series as they are now (Stop, a relink, another sender).
    const stillDue = async () => {
      const [fresh, series, owner] = await Promise.all([
        requests.findById(entry.requestId),
        queue.get(entry._id),
        deps.authorizations.findById(entry._id),
      ]);
      return Boolean(
        fresh &&
          owner?.incidentOpen &&
          owner.state !== 'active' &&
          REMINDABLE_STATUSES.includes(fresh.status) &&
          !fresh.remindersStoppedBy &&
          series?.requestId === entry.requestId &&
          series.sent === number - 1,
      );
    };
    const result = await sender.send({ entry, request, authorization, number, stillDue });
    await afterAttempt(entry, request, number, result);
  }

  /** The request of `workspaceId` named `requestId`; another workspace's reads as missing. */
  async function loadOwn(workspaceId: string, requestId: string) {
    const request = await requests.findById(requestId);
    const owner = request && (await deps.authorizations.findById(request.authorizationId.toHexString()));
    if (!request || !owner || owner.workspaceId !== workspaceId)
      throw new RelinkError('request_not_found', `no request ${requestId} in ${workspaceId}`);
    return { request, owner };
  }

  return {
    /** The reminder job: every series in the queue moves on by one step. Returns how many it looked at. */
    async remindDue(limit = 500): Promise<number> {
      const entries = await queue.all(limit);
      for (const entry of entries) {
        try {
          await remindOne(entry);
        } catch (err) {
          // One series failing (a database hiccup) must not hold back the others; the next run retries.
          log.error({ err, requestId: entry.requestId }, 'reminder step failed');
        }
      }
      return entries.length;
    },

    /** Stop reminders: no more reminders for the request, and no "no response" either. Audited. */
    async stop(workspaceId: string, requestId: string, who: SlackActor): Promise<void> {
      const { request } = await loadOwn(workspaceId, requestId);
      const now = clock();
      if (!request.remindersStoppedBy) {
        await requests.set(request._id, { remindersStoppedBy: who.userId, remindersStoppedAt: now });
      }
      await queue.remove(request.authorizationId.toHexString(), requestId);
      const effect: RequestEffect = {
        type: 'request.reminders_stopped',
        requestId,
        stoppedBy: request.remindersStoppedBy ?? who.userId,
      };
      if (await recordOnce(request, effect, now))
        await audit(request, auditActorOf(who), 'reminders.stopped', `${requestId}:reminders_stopped`, now);
    },

    /** The next reminder of a request as the customer would get it (the link is made at send time). */
    async preview(workspaceId: string, requestId: string): Promise<ReminderPreview> {
      const { request } = await loadOwn(workspaceId, requestId);
      const number = (request.remindersSent ?? 0) + 1;
      const email = renderReauthEmail({
        customerName: request.recipient.name,
        utility: request.utility,
        reason: request.problem,
        note: request.note,
        senderName: deps.senderName,
        reauthUrl: null,
        reminder: { number },
      });
      return { customerName: request.recipient.name, sentTo: request.recipient.email, number, email };
    },

    /** What comes next for these authorizations' requests (a Home page, a notice); absent: nothing. */
    async scheduleFor(
      workspaceId: string,
      authorizationIds: readonly string[],
    ): Promise<Map<string, ReminderSchedule>> {
      const entries = await queue.forAuthorizations(authorizationIds);
      const settings = await deps.settingsOf(workspaceId);
      const schedule = new Map<string, ReminderSchedule>();
      for (const e of entries) {
        schedule.set(e._id, {
          requestId: e.requestId,
          sent: e.sent,
          next: nextInSeries({ lastEmailAt: e.lastEmailAt, sent: e.sent }, settings),
        });
      }
      return schedule;
    },
  };
}

export type Reminders = ReturnType<typeof createReminders>;
