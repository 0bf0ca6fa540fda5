import type { ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import { customerMustAct } from '../src/domain/authorization';
import { describeProblem, type ProblemFacts, timeAgo } from '../src/domain/problem-words';
import type { SuppressionReason } from '../src/domain/suppression';
import type { TriageChange } from '../src/domain/triage';
import type { NoticeData, NoticeRequest } from '../src/reauth/notice-data';
import { ActionId } from '../src/slack/ids';
import { askReauthValue } from '../src/slack/metadata';
import { customerEmailWords, maskedEmail } from './customer-email';
import { EMAIL_BOUNCED_HEADLINE, FIX_EMAIL_LABEL, suppressionWords } from './delivery-words';
import { noResponseLine, reminderButtons, reminderLine } from './reminder-messages';
import { requestStatusPhrase } from './request-status-words';
import { HOME_LINK_WORDS, mrkdwnLink } from './row-links';
import { type SendFailure, sendFailedReply } from './send-failed-message';
import { sendProblemWords } from './send-problem-words';
import type { SlackMessage } from './slack-message';
import { clip, escapeMrkdwn, mention, slackTime } from './text';
import { triageElements } from './triage-controls';
import { triageChangeReply, triageStatusWords } from './triage-words';

/** The platform help page's own words for the button. */
export const ASK_REAUTH_LABEL = 'Ask the utility customer to reauthorize';
export const RESOLVED_WORDS = 'Resolved — the customer relinked';

/** A notice's data as drawn: a resolved incident's card also says when it was resolved. */
export type NoticeCard = NoticeData & { resolvedAt?: Date | null };

/** The one message per incident in the alert channel; updated in place as things change. */
export function noticeMessage(n: NoticeCard, now: Date): SlackMessage {
  const resolved = n.status.state === 'active' && !n.status.incidentOpen;
  const mustAct = !resolved && customerMustAct(n.status.state);
  const bounced = mustAct && n.lastRequest?.status === 'bounced';
  const problem = resolved ? RESOLVED_WORDS : describeProblem(n.status, now);
  const headline = bounced ? `${EMAIL_BOUNCED_HEADLINE}: ${problem}` : problem;
  const name = clip(n.customerName?.trim() || 'Unnamed customer', 150);
  const utility = clip(n.utility, 100);
  const icon = resolved
    ? ':white_check_mark:'
    : customerMustAct(n.status.state)
      ? ':warning:'
      : ':hourglass:';

  const when =
    resolved && n.resolvedAt
      ? `*Resolved*\n${slackAgo(n.resolvedAt, now)}`
      : `*Since*\n${slackAgo(n.since, now)}`;
  const blocks: KnownBlock[] = [
    section(`${icon} *${escapeMrkdwn(headline)}*`),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Customer*\n${escapeMrkdwn(name)}` },
        { type: 'mrkdwn', text: `*Email*\n${customerEmailWords(n.customerEmail)}` },
        { type: 'mrkdwn', text: `*Utility*\n${escapeMrkdwn(utility)}` },
        { type: 'mrkdwn', text: when },
      ],
    },
  ];
  if (n.status.state === 'provider_issue') {
    blocks.push(context('Nothing for the customer to do: the platform keeps retrying.'));
  }
  if (n.lastRequest) blocks.push(context(requestLine(n.lastRequest, now)));
  const reminders = mustAct && n.lastRequest ? reminderLine(n.lastRequest) : null;
  if (reminders) blocks.push(context(reminders));
  // Preview and Stop while a reminder (or the "no response" mark) is still to come.
  const scheduled = mustAct && n.lastRequest?.nextReminder && n.lastRequest.requestId;
  if (mustAct && n.suppression) blocks.push(context(suppressionWords(n.suppression, now)));
  if (mustAct) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          // The same button and form either way: after a bounce the form flags the address.
          type: 'button',
          action_id: ActionId.askReauth,
          text: { type: 'plain_text', text: bounced ? FIX_EMAIL_LABEL : ASK_REAUTH_LABEL },
          style: 'primary',
          value: askReauthValue.encode({ v: 1, authorizationId: n.authorizationId }),
        },
        ...(scheduled ? reminderButtons(scheduled) : []),
      ],
    });
  }
  // Triage (src/domain/triage.ts): who is on it, a snooze or a dismissal, and History.
  const triage = resolved ? null : (n.triage ?? null);
  const triageWords = triageStatusWords(triage, now);
  if (triageWords) blocks.push(context(triageWords));
  const incidentOpen = !resolved && n.status.incidentOpen;
  const triageControls = triageElements({ authorizationId: n.authorizationId, triage, incidentOpen, now });
  blocks.push({ type: 'actions', elements: triageControls });
  const home = n.homeUrl ? mrkdwnLink(n.homeUrl, HOME_LINK_WORDS) : null;
  blocks.push(
    context(`Authorization \`${escapeMrkdwn(clip(n.authorizationId, 200))}\`${home ? ` · ${home}` : ''}`),
  );
  return { text: escapeMrkdwn(`${name} (${utility}): ${headline}`), blocks };
}

function requestLine(r: NoticeRequest, now: Date): string {
  const by = `requested by ${mention(r.requestedBy)}`;
  const to = r.sentTo ? ` to ${maskedEmail(r.sentTo)}` : '';
  const at = slackTime(r.at);
  const words = requestStatusPhrase(r.status, r.unconfirmed === true);
  switch (r.status) {
    case 'queued':
      return `:hourglass_flowing_sand: ${words}… · ${by} ${slackAgo(r.at, now)}`;
    case 'sent':
    case 'delivered':
      return `:email: ${words}${to} at ${at} · ${by}`;
    case 'opened':
      return `:eyes: ${words} at ${at} · ${by}`;
    case 'clicked':
      return `:link: ${words} at ${at} · ${by}`;
    case 'bounced': {
      const why = r.bounceReason ? `: ${escapeMrkdwn(clip(r.bounceReason, 300))}` : '';
      const sentTo = r.sentTo ? ` (sent to ${maskedEmail(r.sentTo)})` : '';
      return `:warning: ${words}${sentTo} at ${at}${why} · ${by}`;
    }
    case 'failed':
      return `:x: ${words}: see the thread to ${sendProblemWords(r.unconfirmed === true).todo} · ${by}`;
    case 'completed':
      return `:white_check_mark: ${words} ${slackAgo(r.at, now)} · ${by}`;
    case 'superseded':
      return `${words} ${slackAgo(r.at, now)} · ${by}`;
    case 'no_response':
      return `${noResponseLine(r.remindersSent ?? 0)} · ${by}`;
  }
}

/** What happened since the notice was posted; each becomes one short reply in the notice's thread. */
export type NoticeChange =
  | { kind: 'state_changed'; status: ProblemFacts }
  | { kind: 'request_queued'; requestedBy: string }
  | { kind: 'request_sent'; sentTo: string; at: Date }
  | { kind: 'request_bounced'; sentTo: string; reason?: string | null }
  | { kind: 'request_suppressed'; sentTo: string; reason: SuppressionReason }
  | ({ kind: 'send_failed' } & SendFailure)
  | { kind: 'triaged'; change: TriageChange }
  | { kind: 'resolved' };

export function noticeThreadReply(change: NoticeChange, now: Date): SlackMessage {
  switch (change.kind) {
    case 'state_changed': {
      const headline = describeProblem(change.status, now);
      return reply(
        `Status changed: *${escapeMrkdwn(headline)}*`,
        escapeMrkdwn(`Status changed: ${headline}`),
      );
    }
    case 'request_queued': {
      const words = requestStatusPhrase('queued');
      return reply(
        `:hourglass_flowing_sand: ${mention(change.requestedBy)} asked the customer to reauthorize. ${words}…`,
        `Reauthorization requested. ${words}`,
      );
    }
    case 'request_sent': {
      const to = maskedEmail(change.sentTo);
      const words = requestStatusPhrase('sent');
      return reply(`:email: ${words} to ${to} at ${slackTime(change.at)}`, `${words} to ${to}`);
    }
    case 'request_bounced': {
      const sentTo = `(sent to ${maskedEmail(change.sentTo)})`;
      const words = requestStatusPhrase('bounced');
      const why = change.reason ? `: ${escapeMrkdwn(clip(change.reason, 300))}` : '';
      return reply(
        `:warning: ${words} ${sentTo}${why}. relink won't send to it again on its own: fix the address with *${FIX_EMAIL_LABEL}* above.`,
        `${words} ${sentTo}: check the address`,
      );
    }
    case 'request_suppressed': {
      const to = maskedEmail(change.sentTo);
      const what =
        change.reason === 'spamreport' ? 'marked our email as spam' : 'unsubscribed from our email';
      return reply(
        `:no_entry_sign: The customer ${what} (${to}). relink won't email this address on its own again; sending from the form needs *Send anyway*.`,
        `The customer ${what}: relink won't email ${to} on its own again`,
      );
    }
    case 'send_failed':
      return sendFailedReply(change);
    case 'triaged':
      return triageChangeReply(change.change);
    case 'resolved':
      return reply(`:white_check_mark: ${RESOLVED_WORDS}.`, RESOLVED_WORDS);
  }
}

const reply = (mrkdwn: string, text: string): SlackMessage => ({ text, blocks: [section(mrkdwn)] });

const section = (text: string): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): ContextBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

// Slack renders <!date^…> in each reader's time zone and keeps `{ago}` current; the fallback (what
// clients without date support show) is computed from `now`, so the builder stays clock-free.
const slackAgo = (then: Date, now: Date): string =>
  `<!date^${Math.floor(then.getTime() / 1000)}^{ago}|${timeAgo(then, now)}>`;
