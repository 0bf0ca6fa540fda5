import type { KnownBlock } from '@slack/types';
import type { BadLoginReason, CustomerMustActState } from '../src/domain/authorization';
import { reasonWords } from '../src/domain/problem-words';
import { HOME_TAB_LABELS, type HomeTab } from '../src/domain/worklist';
import { ActionId, keyedActionId } from '../src/slack/ids';
import type { SlackMessage } from './slack-message';
import { clip, escapeMrkdwn, formatCount } from './text';

/** One problem of a digest's incidents, as the incident opened with it. */
export interface DigestProblem {
  state: CustomerMustActState;
  reason: BadLoginReason | null;
}

/** One of the first incidents a digest names. */
export interface DigestEntry extends DigestProblem {
  customerName: string | null;
  utility: string;
}

/** Everything a digest message shows (see src/slack/digests.ts). */
export interface DigestData {
  /** `storm`: many incidents at once; `first_sync`: what relink found when it connected to the account. */
  kind: 'storm' | 'first_sync';
  total: number;
  resolved: number;
  /** How many of them were asked to reauthorize (their progress shows on the Home, not in the channel). */
  asked: number;
  /** Every incident's problem, oldest first; only counted. */
  problems: readonly DigestProblem[];
  /** The oldest incidents, named (at most {@link DIGEST_NAMED}). */
  first: readonly DigestEntry[];
  /** The App Home tab that lists them all. */
  tab: HomeTab;
}

/** How many incidents a digest names; the rest are counted. */
export const DIGEST_NAMED = 10;

/** "280 bad logins ("Username and password didn't work"), 25 expired, 7 declined", in the help page's words. */
export function problemCounts(problems: readonly DigestProblem[]): string {
  const counts = new Map<string, number>();
  for (const p of problems) {
    const key = p.state === 'bad_login' ? `bad_login:${p.reason ?? 'invalid_credentials'}` : p.state;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => problemGroupWords(key, n))
    .join(', ');
}

function problemGroupWords(key: string, n: number): string {
  const count = formatCount(n);
  if (key.startsWith('bad_login:')) {
    const reason = key.slice('bad_login:'.length) as BadLoginReason;
    return `${count} bad login${n === 1 ? '' : 's'} ("${reasonWords(reason)}")`;
  }
  return `${count} ${key}`;
}

/** The tab that lists every problem in `problems`: one state's own tab, or All when they differ. */
export function digestTab(problems: readonly DigestProblem[]): HomeTab {
  if (problems.every((p) => p.state === 'bad_login')) return 'bad_logins';
  if (problems.every((p) => p.state !== 'bad_login')) return 'expired_declined';
  return 'all';
}

/** The one message standing for many incidents in a channel, updated in place as they change. */
export function digestMessage(d: DigestData): SlackMessage {
  const total = formatCount(d.total);
  const noun = d.total === 1 ? 'authorization' : 'authorizations';
  const need = d.total === 1 ? 'needs' : 'need';
  const counts = problemCounts(d.problems);
  const headline =
    d.kind === 'first_sync'
      ? `relink found ${total} ${noun} that already ${need} attention: ${counts}`
      : `${total} ${noun} ${need} attention: ${counts}`;
  const asked = d.asked > 0 ? ` · ${formatCount(d.asked)} asked to reauthorize` : '';
  const progress = `${formatCount(d.resolved)} of ${total} resolved${asked}`;
  const named = d.first.slice(0, DIGEST_NAMED).map(entryLine);
  const more = d.total - named.length;
  const blocks: KnownBlock[] = [
    section(`:warning: *${escapeMrkdwn(headline)}*`),
    context(progress),
    ...(named.length > 0 ? [section(named.join('\n'))] : []),
    context(
      more > 0
        ? `…and ${formatCount(more)} more. Each one has its row and button in relink's App Home, and \`/reauth\` finds it.`
        : "Each one has its row and button in relink's App Home, and `/reauth` finds it.",
    ),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          // The Home's own tab button: a click publishes the clicker's Home on that tab.
          action_id: keyedActionId(ActionId.homeTab, d.tab),
          text: { type: 'plain_text', text: `Open ${HOME_TAB_LABELS[d.tab]} in the App Home` },
          value: d.tab,
          style: 'primary',
        },
      ],
    },
  ];
  return { text: `${clip(headline, 2900)} (${progress})`, blocks };
}

function entryLine(e: DigestEntry): string {
  const name = escapeMrkdwn(clip(e.customerName?.trim() || 'Unnamed customer', 80));
  const utility = escapeMrkdwn(clip(e.utility.trim() || 'Unknown utility', 60));
  return `• *${name}* · ${utility} · ${escapeMrkdwn(entryProblem(e))}`;
}

function entryProblem(e: DigestProblem): string {
  switch (e.state) {
    case 'bad_login':
      return reasonWords(e.reason ?? 'invalid_credentials');
    case 'expired':
      return 'Expired';
    case 'declined':
      return 'Declined by the customer';
    case 'revoked':
      return 'Access revoked by the customer';
  }
}

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, 3000) },
});
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
