/**
 * Reminders (issue 12): when the customer has not relinked N days after the email, relink emails them
 * again, up to M times, and then marks the request "no response". Pure: the schedule and what to do
 * next; src/reauth/reminders.ts applies it.
 */
import type { RequestStatus } from './reauth-request';

const DAY_MS = 86_400_000;

/** A workspace's reminder setting: days between emails, and how many reminders follow the first email. */
export interface ReminderSettings {
  afterDays: number;
  max: number;
}

/** Three days gives a customer a weekend to act; two reminders are persistent without nagging. */
export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = { afterDays: 3, max: 2 };

/** Bounds an admin may choose in Settings; checked however a value arrives. */
export const REMINDER_AFTER_DAYS_MIN = 1;
export const REMINDER_AFTER_DAYS_MAX = 30;
/** 0 turns reminders off: the request is marked no response N days after the email. */
export const MAX_REMINDERS_LIMIT = 5;

/** Request statuses in which the customer has the email and relink is waiting for them to relink. */
export const REMINDABLE_STATUSES: readonly RequestStatus[] = ['sent', 'delivered', 'opened', 'clicked'];

/**
 * A series starts just before its request is marked sent (a repeat of that step finds it started), so
 * for a moment, or until a crash's send is settled, a series' request still reads queued: it waits.
 */
const SENT_BEING_RECORDED: readonly RequestStatus[] = ['queued'];

/** Where a request's reminders stand: when the last email (first or reminder) went out, and how many reminders did. */
export interface ReminderSeries {
  lastEmailAt: Date;
  sent: number;
}

/** What comes next for a series, and when. */
export type ReminderNext = { kind: 'reminder'; number: number; at: Date } | { kind: 'no_response'; at: Date };

/** The next reminder (numbered from 1), or, once `max` went out, when the request becomes no response. */
export function nextInSeries(series: ReminderSeries, settings: ReminderSettings): ReminderNext {
  const at = new Date(series.lastEmailAt.getTime() + settings.afterDays * DAY_MS);
  return series.sent < settings.max
    ? { kind: 'reminder', number: series.sent + 1, at }
    : { kind: 'no_response', at };
}

/** What the reminder job does about one queued series now. */
export type ReminderStep =
  /** Nothing more will happen to the series: it leaves the queue. */
  | { kind: 'drop'; why: 'relinked' | 'not_awaiting' | 'stopped' | 'suppressed' }
  | { kind: 'wait'; until: Date }
  | { kind: 'send'; number: number }
  | { kind: 'no_response' };

export interface ReminderFacts {
  series: ReminderSeries;
  settings: ReminderSettings;
  requestStatus: RequestStatus;
  /** Someone clicked Stop reminders. */
  stopped: boolean;
  /** The authorization is valid again (its incident closed): the customer relinked. */
  relinked: boolean;
  /** The customer reported relink's email as spam or unsubscribed: nothing automatic goes to them. */
  suppressed: boolean;
  /** After a send that certainly sent nothing, the next try waits until then. */
  retryAt: Date | null;
  now: Date;
}

/** Decides the next step; the same facts always give the same step. */
export function reminderStep(f: ReminderFacts): ReminderStep {
  if (f.relinked) return { kind: 'drop', why: 'relinked' };
  if (f.stopped) return { kind: 'drop', why: 'stopped' };
  if (f.suppressed) return { kind: 'drop', why: 'suppressed' };
  const next = nextInSeries(f.series, f.settings);
  const due = f.retryAt && f.retryAt > next.at ? f.retryAt : next.at;
  if (SENT_BEING_RECORDED.includes(f.requestStatus)) return { kind: 'wait', until: due };
  if (!REMINDABLE_STATUSES.includes(f.requestStatus)) return { kind: 'drop', why: 'not_awaiting' };
  if (f.now < due) return { kind: 'wait', until: due };
  return next.kind === 'reminder' ? { kind: 'send', number: next.number } : { kind: 'no_response' };
}

export type ReminderSettingsProblem = 'after_days_out_of_range' | 'max_out_of_range';

/** The two Settings fields as typed (Slack's number_input sends text), or which one cannot be used. */
export function parseReminderSettings(
  afterDaysText: string,
  maxText: string,
): { ok: true; settings: ReminderSettings } | { ok: false; problems: ReminderSettingsProblem[] } {
  const whole = (text: string): number | null => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : null);
  const afterDays = whole(afterDaysText);
  const max = whole(maxText);
  const problems: ReminderSettingsProblem[] = [];
  if (afterDays === null || afterDays < REMINDER_AFTER_DAYS_MIN || afterDays > REMINDER_AFTER_DAYS_MAX)
    problems.push('after_days_out_of_range');
  if (max === null || max > MAX_REMINDERS_LIMIT) problems.push('max_out_of_range');
  if (problems.length > 0 || afterDays === null || max === null) return { ok: false, problems };
  return { ok: true, settings: { afterDays, max } };
}
