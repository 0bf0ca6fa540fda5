import type { Button, KnownBlock, ModalView, PlainTextElement, SectionBlock } from '@slack/types';
import type { ReminderNext } from '../src/domain/reminders';
import type { ReminderPreview } from '../src/reauth/reminder-data';
import { ActionId, type ActionIdValue, CallbackId, keyedActionId } from '../src/slack/ids';
import { retrySendValue } from '../src/slack/metadata';
import { maskedEmail } from './customer-email';
import type { FailureWords } from './failure-words';
import { splitText } from './reauth-preview-view';
import type { SlackMessage } from './slack-message';
import { clip, mention, slackTime } from './text';

/*
 * What the notice, its thread and the Home say about reminders (issue 12): when the next one goes out,
 * each one sent, "no response" once they ran out, and who stopped them; plus the reminder's preview.
 */

export const STOP_REMINDERS_LABEL = 'Stop reminders';
export const PREVIEW_REMINDER_LABEL = 'Preview reminder';
export const NO_RESPONSE_WORDS = 'No response';
/** What the person who clicked Stop reminders hears. */
export const REMINDERS_STOPPED_WORDS = 'Reminders stopped. The notice shows who stopped them.';

export const REMINDER_FAILURE_WORDS = {
  stop: {
    invalid: "This button doesn't work any more. Use the one on the newest notice for this customer.",
    unexpected: "relink couldn't stop the reminders just now. Try again in a minute.",
  },
  preview: {
    invalid: "This button doesn't work any more. Use the one on the newest notice for this customer.",
    unexpected: "relink couldn't load the reminder just now. Try again in a minute.",
  },
} as const satisfies Record<string, FailureWords>;

/** The schedule in a few words: "Reminder 1 of 2 on Dec 2", or when the request becomes no response. */
export function nextReminderWords(next: ReminderNext, max: number | null): string {
  const when = slackDate(next.at);
  if (next.kind === 'no_response') return `Marked no response ${when} unless the customer relinks`;
  return `Reminder ${next.number}${max ? ` of ${max}` : ''} ${when}`;
}

/** What a list row adds to its request's status: " · Reminder 1 Dec 2", or nothing. */
export const rowReminderWords = (reminder: { next: ReminderNext } | undefined): string =>
  reminder ? ` · ${nextReminderWords(reminder.next, null)}` : '';

/** The notice's line for a request that ran out of reminders; the Ask button stays to ask again. */
export const noResponseLine = (reminders: number): string =>
  `:zzz: *${NO_RESPONSE_WORDS}*: the customer did not relink after the email${
    reminders > 0 ? ` and ${reminders} reminder${reminders === 1 ? '' : 's'}` : ''
  }. Ask again with the button below.`;

export const remindersStoppedWords = (stoppedBy: string): string =>
  `Reminders stopped by ${mention(stoppedBy)}`;

/** Preview reminder and Stop reminders, for a request whose reminders are scheduled. */
export function reminderButtons(requestId: string, key?: string): Button[] {
  const value = retrySendValue.encode({ v: 1, requestId });
  const id = (base: ActionIdValue) => (key === undefined ? base : keyedActionId(base, key));
  return [
    { type: 'button', action_id: id(ActionId.previewReminder), text: plain(PREVIEW_REMINDER_LABEL), value },
    { type: 'button', action_id: id(ActionId.stopReminders), text: plain(STOP_REMINDERS_LABEL), value },
  ];
}

/** The thread reply when a reminder went out. */
export function reminderSentReply(r: {
  requestId: string;
  sentTo: string;
  number: number;
  at: Date;
}): SlackMessage {
  const to = maskedEmail(r.sentTo);
  return {
    text: `Reminder ${r.number} sent to ${to}`,
    blocks: [
      section(
        `:bell: Reminder ${r.number} sent to ${to} at ${slackTime(r.at)}, with a fresh reauthorization link.`,
      ),
      { type: 'actions', elements: reminderButtons(r.requestId) },
    ],
  };
}

/** The thread reply when the request ran out of reminders. */
export const noResponseReply = (reminders: number): SlackMessage => ({
  text: `${NO_RESPONSE_WORDS}: the customer did not relink`,
  blocks: [section(noResponseLine(reminders).replace('below', 'on the notice'))],
});

/** The thread reply when someone stopped the reminders. */
export const remindersStoppedReply = (stoppedBy: string): SlackMessage => ({
  text: 'Reminders stopped',
  blocks: [
    section(
      `:no_bell: ${remindersStoppedWords(stoppedBy)}. relink sends no more reminders for this request.`,
    ),
  ],
});

// Slack's limit for a section's text.
const SECTION_MAX_CHARS = 3000;

/** The next reminder as the customer will read it, read-only (the link is made when it is sent). */
export function reminderPreviewView(p: ReminderPreview): ModalView {
  const envelope = [
    `To: ${clip(p.customerName, 150)} <${maskedEmail(p.sentTo)}>`,
    `Subject: ${p.email.subject}`,
  ].join('\n');
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [
        plain(`Reminder ${p.number}, as the customer will get it. A fresh link is added when it is sent.`),
      ],
    },
    plainSection(envelope),
    { type: 'divider' },
    ...splitText(p.email.text, SECTION_MAX_CHARS).slice(0, 20).map(plainSection),
  ];
  return {
    type: 'modal',
    callback_id: CallbackId.reminderPreview,
    title: plain('Preview reminder'),
    close: plain('Close'),
    blocks,
  };
}

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text, emoji: false });
const plainSection = (text: string): SectionBlock => ({ type: 'section', text: plain(text) });
const section = (text: string): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

// Slack shows the date in each reader's time zone ("today", "Dec 2"); the fallback is the UTC day.
const slackDate = (at: Date): string =>
  `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty}|${at.toISOString().slice(0, 10)}>`;

/** The notice's reminder line while relink waits for the customer: what comes next, or who stopped it. */
export function reminderLine(r: {
  nextReminder?: ReminderNext | null;
  remindersStoppedBy?: string | null;
  remindersSent?: number;
}): string | null {
  if (r.remindersStoppedBy) return `:no_bell: ${remindersStoppedWords(r.remindersStoppedBy)}`;
  if (!r.nextReminder) return null;
  const sent = r.remindersSent ?? 0;
  return `:bell: ${nextReminderWords(r.nextReminder, null)}${sent > 0 ? ` · ${sent} sent so far` : ''}`;
}
