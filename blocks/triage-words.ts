import type { SectionBlock } from '@slack/types';
import {
  type DismissReason,
  isDismissed,
  isSnoozed,
  type TriageChange,
  type TriageCommand,
  type TriageSummary,
} from '../src/domain/triage';
import { Command } from '../src/slack/ids';
import type { FailureWords } from './failure-words';
import type { SlackMessage } from './slack-message';
import { clip, escapeMrkdwn, mention, slackDayAndTime } from './text';

/** The dismissal reasons as people pick and read them. */
export const DISMISS_REASON_WORDS: Record<DismissReason, string> = {
  customer_churned: 'Customer churned',
  duplicate: 'Duplicate',
  handled_elsewhere: 'Handled elsewhere',
};

/**
 * Where the incident's triage stands, in one line ("<@U> is on it · Snoozed until …"), or null when
 * nobody triaged it. A snooze that ended no longer shows.
 */
export function triageStatusWords(t: TriageSummary | null | undefined, now: Date): string | null {
  if (!t) return null;
  const parts: string[] = [];
  if (isDismissed(t) && t.dismissedReason) {
    parts.push(
      `:no_entry_sign: Dismissed: ${DISMISS_REASON_WORDS[t.dismissedReason]} (by ${mention(t.dismissedBy)})`,
    );
  }
  if (t.assignee) parts.push(`:raising_hand: ${mention(t.assignee)} is on it`);
  if (!isDismissed(t) && t.snoozedUntil && isSnoozed(t, now)) {
    parts.push(`:zzz: Snoozed until ${slackDayAndTime(new Date(t.snoozedUntil))}`);
  }
  return parts.length > 0 ? parts.join('  ·  ') : null;
}

/** The reply a triage change adds in the notice's thread. */
export function triageChangeReply(change: TriageChange): SlackMessage {
  switch (change.kind) {
    case 'assigned':
      return reply(`:raising_hand: ${mention(change.by)} is on it.`, 'Someone is on it');
    case 'unassigned':
      return reply(`${mention(change.by)} unassigned this incident.`, 'Unassigned');
    case 'snoozed': {
      const until = new Date(change.until);
      const days = `${change.days} day${change.days === 1 ? '' : 's'}`;
      return reply(
        `:zzz: ${mention(change.by)} snoozed this for ${days}, until ${slackDayAndTime(until)}. It comes back then, or sooner if the problem changes.`,
        `Snoozed for ${days}`,
      );
    }
    case 'unsnoozed':
      return reply(`:alarm_clock: ${mention(change.by)} woke this up.`, 'Snooze ended');
    case 'dismissed': {
      const reason = DISMISS_REASON_WORDS[change.reason];
      return reply(
        `:no_entry_sign: ${mention(change.by)} dismissed this: ${reason}. It reopens if the platform reports a new problem.`,
        `Dismissed: ${reason}`,
      );
    }
    case 'reopened':
      return change.by
        ? reply(`:leftwards_arrow_with_hook: ${mention(change.by)} reopened this.`, 'Reopened')
        : reply(
            ':leftwards_arrow_with_hook: Reopened: the platform reports a new problem.',
            'Reopened: the platform reports a new problem',
          );
  }
}

const reply = (mrkdwn: string, text: string): SlackMessage => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } } satisfies SectionBlock],
});

/** What the person who triaged from a `/reauth` list is told, above the row as it is now. */
export function triageDoneWords(
  command: TriageCommand,
  customerName: string | null,
  changed: boolean,
): string {
  const who = escapeMrkdwn(clip(customerName?.trim() || 'this customer', 100));
  if (!changed) return `Nothing changed: ${who} was already like this.`;
  switch (command.kind) {
    case 'assign':
      return `You're on it: ${who}.`;
    case 'unassign':
      return `Nobody is on ${who} now.`;
    case 'snooze':
      return `Snoozed ${who} for ${command.days} day${command.days === 1 ? '' : 's'}.`;
    case 'unsnooze':
      return `${who} is back in the worklist.`;
    case 'dismiss':
      return `Dismissed ${who}: ${DISMISS_REASON_WORDS[command.reason]}.`;
    case 'reopen':
      return `Reopened ${who}.`;
  }
}

export const TRIAGE_FAILURE_WORDS = {
  invalid: "This button doesn't work any more. Use the newest notice or the App Home.",
  unexpected: "relink couldn't save that just now. Try again in a minute.",
} as const satisfies FailureWords;

export const HISTORY_FAILURE_WORDS = {
  invalid: "This History button doesn't work any more. Use the newest notice or the App Home.",
  unexpected: "relink couldn't read this history just now. Try again in a minute.",
} as const satisfies FailureWords;

/** A triage change in a history line, beside who did it. */
export function triageChangeWords(change: TriageChange): string {
  switch (change.kind) {
    case 'assigned':
      return "Said “I'm on it”";
    case 'unassigned':
      return 'Unassigned';
    case 'snoozed':
      return `Snoozed for ${change.days} day${change.days === 1 ? '' : 's'}, until ${slackDayAndTime(new Date(change.until))}`;
    case 'unsnoozed':
      return 'Woke it up from a snooze';
    case 'dismissed':
      return `Dismissed: ${DISMISS_REASON_WORDS[change.reason]}`;
    case 'reopened':
      return change.by ? 'Reopened' : 'Reopened: the platform reports a new problem';
  }
}

/** `/reauth history` with nothing after it. */
export const historyUsageWords = (): string =>
  `Type ${Command.reauth} history followed by an email, an authorization id or the start of a name, like ${Command.reauth} history jane@example.com.`;
