import { type ProblemFacts, problemFactsOf } from '../domain/problem-words';
import { isUnconfirmedFailure, type RequestStatus } from '../domain/reauth-request';
import type { Suppression } from '../domain/suppression';
import { type TriageSummary, triageOf, triageSummaryOf } from '../domain/triage';
import type { AuthorizationStore } from '../store/authorizations';
import type { RequestStore } from '../store/requests';
import type { SuppressionStore } from '../store/suppressions';
import type { ReminderSchedule } from './reminder-data';

/** The latest reauth request of an authorization, as its notice shows it. */
export interface NoticeRequest {
  status: RequestStatus;
  /** Slack user id of whoever asked. */
  requestedBy: string;
  /** When the request reached `status`. */
  at: Date;
  /** The full address; the notice shows it masked. */
  sentTo?: string;
  /** Why the email bounced, as SendGrid said (addresses masked); only for `bounced`. */
  bounceReason?: string | null;
  /** Failed without relink knowing whether the email went out: the thread offers Send again. */
  unconfirmed?: boolean;
  requestId?: string;
  /** Reminders sent after the first email. */
  remindersSent?: number;
  /** What comes next while relink waits for the customer (a reminder, or "no response"). */
  nextReminder?: ReminderSchedule['next'] | null;
  /** Who clicked Stop reminders (a Slack user id). */
  remindersStoppedBy?: string | null;
}

/** Everything a notice shows about one authorization. */
export interface NoticeData {
  authorizationId: string;
  /** Whose Slack the notice goes to. */
  workspaceId: string;
  /** The authorization's revision this data reflects (see store/authorizations.ts). */
  version: number;
  customerName: string | null;
  customerEmail: string | null;
  utility: string;
  status: ProblemFacts & { incidentOpen: boolean };
  /** When the problem started. */
  since: Date;
  lastRequest: NoticeRequest | null;
  /** The customer marked relink's email to their address as spam or unsubscribed. */
  suppression?: Suppression | null;
  /** Who is on the incident, a snooze, a dismissal (src/domain/triage.ts); null when nobody triaged it. */
  triage?: TriageSummary | null;
  /** The link that opens relink's App Home (src/domain/app-home-link.ts); none when it cannot be known. */
  homeUrl?: string | null;
}

/** Reads a notice's data fresh each time the notice is drawn; null when the authorization does not exist. */
export function createNoticeData(deps: {
  authorizations: AuthorizationStore;
  requests: RequestStore;
  /** Absent only where nothing is ever suppressed (tests of other parts). */
  suppressions?: Pick<SuppressionStore, 'find'>;
  /** The authorization's reminder schedule (src/reauth/reminders.ts); none when absent. */
  reminderSchedule?: (workspaceId: string, authorizationId: string) => Promise<ReminderSchedule | null>;
  /** The workspace's App Home link; none when absent. */
  homeUrl?: (workspaceId: string) => string | null;
}) {
  return async function noticeData(authorizationId: string): Promise<NoticeData | null> {
    const authorization = await deps.authorizations.findById(authorizationId);
    if (!authorization) return null;
    const request = await deps.requests.latestFor(authorizationId);
    // The customer's address, or the last one written to when none is on file.
    const email = authorization.customer.email ?? request?.recipient.email ?? null;
    const suppression =
      email && deps.suppressions ? await deps.suppressions.find(authorization.workspaceId, email) : null;
    const requestId = request?._id.toHexString();
    const schedule = request
      ? await deps.reminderSchedule?.(authorization.workspaceId, authorizationId)
      : null;
    const nextReminder = schedule && schedule.requestId === requestId ? schedule.next : null;
    return {
      authorizationId,
      workspaceId: authorization.workspaceId,
      version: authorization.version,
      customerName: authorization.customer.name,
      customerEmail: authorization.customer.email,
      utility: authorization.utility,
      status: { ...problemFactsOf(authorization), incidentOpen: authorization.incidentOpen },
      since: authorization.incidentSince ?? authorization.updatedAt,
      lastRequest: request
        ? {
            status: request.status,
            requestedBy: request.requestedBy.userId,
            at: request.statusAt,
            sentTo: request.recipient.email,
            ...(request.status === 'bounced' ? { bounceReason: request.lastError?.message || null } : {}),
            ...(isUnconfirmedFailure(request.status, request.lastError?.code) ? { unconfirmed: true } : {}),
            // Reminders (issue 12), only once there are any: the request's id names it on their buttons.
            ...(nextReminder || request.remindersSent || request.remindersStoppedBy
              ? {
                  requestId,
                  remindersSent: request.remindersSent ?? 0,
                  nextReminder,
                  remindersStoppedBy: request.remindersStoppedBy ?? null,
                }
              : {}),
          }
        : null,
      suppression,
      triage: triageSummaryOf(triageOf(authorization.triage)),
      homeUrl: deps.homeUrl?.(authorization.workspaceId) ?? null,
    };
  };
}
