import type { ActionsBlock, Button, KnownBlock, ModalView } from '@slack/types';
import type { Effect } from '../src/domain/authorization';
import { describeProblem, problemFactsOf } from '../src/domain/problem-words';
import type { EmailProgress, HistoryEntry, HistoryPage } from '../src/reauth/history-service';
import { ActionId, CallbackId } from '../src/slack/ids';
import { historyMeta } from '../src/slack/triage-values';
import { clip, escapeMrkdwn, formatCount, mention } from './text';
import { triageChangeWords } from './triage-words';

const TITLE = 'History';

/**
 * An authorization's timeline, newest first, one page at a time: each revision in one line (when, what
 * in the platform's words or who did what, and who). At most 20 entries plus 4 blocks per page.
 */
export function historyView(page: HistoryPage, now: Date): ModalView {
  const name = escapeMrkdwn(clip(page.customerName?.trim() || 'Unnamed customer', 150));
  const utility = escapeMrkdwn(clip(page.utility.trim() || 'Unknown utility', 100));
  const blocks: KnownBlock[] = [
    section(`*${name}* · ${utility}\nAuthorization \`${escapeMrkdwn(clip(page.authorizationId, 200))}\``),
  ];
  if (page.entries.length === 0) blocks.push(context('Nothing has happened to this authorization yet.'));
  else {
    const first = (page.page - 1) * page.pageSize + 1;
    const last = first + page.entries.length - 1;
    blocks.push(
      context(`Newest first · ${formatCount(first)}–${formatCount(last)} of ${formatCount(page.total)}`),
    );
  }
  for (const entry of page.entries) blocks.push(context(entryLine(entry, now)));
  const paging: Button[] = [];
  if (page.page > 1) paging.push(button(ActionId.historyPrevious, 'Newer', page.page - 1));
  if (page.page < page.pages) paging.push(button(ActionId.historyNext, 'Older', page.page + 1));
  if (paging.length > 0) blocks.push({ type: 'actions', elements: paging } satisfies ActionsBlock);
  return {
    type: 'modal',
    callback_id: CallbackId.authorizationHistory,
    title: plain(TITLE),
    close: plain('Close'),
    private_metadata: historyMeta.encode({ v: 1, authorizationId: page.authorizationId, page: page.page }),
    blocks,
  };
}

/** Held while the history is read (the trigger_id dies in 3 s; the read may take longer). */
export const historyLoadingView = (): ModalView => ({
  type: 'modal',
  callback_id: CallbackId.authorizationHistory,
  title: plain(TITLE),
  close: plain('Close'),
  blocks: [context(':hourglass_flowing_sand: Loading…')],
});

/** Shown instead of a history that cannot be read; `words` are plain words with a next step. */
export const historyUnavailableView = (words: string): ModalView => ({
  type: 'modal',
  callback_id: CallbackId.authorizationHistory,
  title: plain(TITLE),
  close: plain('Close'),
  blocks: [{ type: 'section', text: plain(clip(words, 3000)) }],
});

function entryLine(entry: HistoryEntry, now: Date): string {
  const when = slackWhen(new Date(entry.at));
  return `${when} · ${whatHappened(entry, now)} · ${actorWords(entry.actor)}`;
}

/** What a revision did, in the platform's words for states and in relink's for people's actions. */
export function whatHappened(entry: HistoryEntry, now: Date): string {
  const triaged = entry.effects.filter(
    (e): e is Extract<Effect, { type: 'incident.triaged' }> => e.type === 'incident.triaged',
  );
  const triageWords = triaged.map((e) => triageChangeWords(e.change));
  const problem = escapeMrkdwn(describeProblem(problemFactsOf(entry.next), now));
  const base = ((): string | null => {
    switch (entry.action) {
      case 'state.changed':
      case 'status.updated':
        return `${problem}${noticeWords(entry.effects)}`;
      case 'expiry.warned':
        return `Expiry warning posted: ${problem}`;
      case 'customer.updated':
        return 'Customer name, email or utility updated';
      case 'request.created':
        return 'Asked the customer to reauthorize (email queued)';
      case 'request.created_during_cooldown':
        return 'Asked the customer to reauthorize again during the cooldown (Send anyway)';
      case 'request.created_despite_suppression':
        return 'Asked the customer to reauthorize despite their unsubscribe or spam report (Send anyway)';
      case 'request.retried':
        return 'Retried sending the reauthorization email';
      case 'reminder.sent':
        return 'Reminder email sent';
      case 'request.no_response':
        return 'No response after the email and every reminder';
      case 'reminders.stopped':
        return 'Reminders stopped';
      default:
        return entry.action.startsWith('triage.') ? null : escapeMrkdwn(entry.action);
    }
  })();
  const email = entry.email ? emailWords(entry.email) : null;
  return [base, email, ...triageWords].filter(Boolean).join(' · ') || escapeMrkdwn(entry.action);
}

/** Where a request's email stands, from its send to SendGrid's latest report about it. */
export function emailWords(email: EmailProgress): string {
  const sent = email.sentAt ? `email sent ${slackWhen(email.sentAt)}` : 'email sent';
  const reached = `${slackWhen(email.statusAt)}`;
  const reason = email.error?.message ? `: ${escapeMrkdwn(clip(email.error.message, 200))}` : '';
  switch (email.status) {
    case 'queued':
      return 'email waiting to be sent';
    case 'sent':
      return sent;
    case 'delivered':
      return `${sent}, delivered ${reached}`;
    case 'opened':
      return `${sent}, delivered, opened ${reached}`;
    case 'clicked':
      return `${sent}, delivered, link clicked ${reached}`;
    case 'bounced':
      return `${sent}, bounced ${reached}${reason}`;
    case 'failed':
      return email.error?.code === 'send_outcome_unknown'
        ? `relink could not confirm the email went out (${reached})`
        : `email not sent ${reached}${reason}`;
    case 'completed':
      return `${sent}; the customer reauthorized ${reached}`;
    case 'no_response':
      return `${sent}; no response after every reminder`;
    case 'superseded':
      return email.sentAt
        ? `${sent}; a newer request replaced it`
        : 'replaced by a newer request before it was sent';
  }
}

const noticeWords = (effects: readonly Effect[]): string => {
  if (effects.some((e) => e.type === 'incident.opened')) return ' (notice posted)';
  if (effects.some((e) => e.type === 'incident.resolved')) return ' (resolved: the customer relinked)';
  return '';
};

function actorWords(actor: string): string {
  if (actor === 'platform') return 'by the platform';
  if (actor === 'system') return 'by relink';
  const user = /^slack:[^/]+\/(.+)$/.exec(actor)?.[1];
  return `by ${mention(user)}`;
}

// Slack renders <!date^…> in each reader's time zone; the fallback is UTC, so the builder stays clock-free.
const slackWhen = (at: Date): string =>
  `<!date^${Math.floor(at.getTime() / 1000)}^{date_short} {time}|${at.toISOString().slice(0, 16).replace('T', ' ')} UTC>`;

const button = (actionId: string, text: string, page: number): Button => ({
  type: 'button',
  action_id: actionId,
  text: plain(text),
  value: String(page),
});
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
