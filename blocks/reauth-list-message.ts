import type { KnownBlock } from '@slack/types';
import type { Suppression } from '../src/domain/suppression';
import {
  COMMAND_LIST_LIMIT,
  HOME_TAB_LABELS,
  type HomeTab,
  WORKLIST_FILTER_LABELS,
  type WorklistFilter,
  type WorklistItem,
  type WorklistRequest,
} from '../src/domain/worklist';
import { Command } from '../src/slack/ids';
import { withSuppressionWords } from './delivery-words';
import { worklistRowBlocks } from './home-view';
import { clip, escapeMrkdwn, formatCount } from './text';

type Message = { text: string; blocks: KnownBlock[] };

/** What a `/reauth` list answers: a filter (`/reauth list expired`) or a search (`/reauth jan`). */
export type ReauthListSubject = { filter: WorklistFilter } | { query: string };

export interface ReauthListInput {
  subject: ReauthListSubject;
  /** The first matches, newest problem first; only the first 10 are shown. */
  items: readonly WorklistItem[];
  /** How many match in all, so the message can say how many it left out. */
  total: number;
  lastRequests?: ReadonlyMap<string, WorklistRequest>;
  /** Rows whose customer asked not to be emailed (spam report, unsubscribe), by hex id. */
  suppressions?: ReadonlyMap<string, Suppression>;
  now: Date;
}

const EMPTY_FILTER_WORDS: Record<WorklistFilter, string> = {
  'bad-logins': 'No bad logins right now. :tada:',
  expired: 'No authorization is expired.',
  declined: 'No authorization is declined.',
  expiring: 'Nothing expires soon.',
  awaiting: 'No customer has an unanswered reauthorization email.',
  mine: "Nothing is yours right now: click *I'm on it* on an incident to list it here.",
  all: 'No authorizations yet: they appear as the platform reports them.',
};

/**
 * The ephemeral answer to `/reauth list <filter>` or a search with several matches: at most 10 rows
 * (3 blocks each plus dividers stays under a message's 50 blocks and its total-text limit), each with
 * the notice's button, then how many more there are.
 */
export function reauthListMessage(input: ReauthListInput): Message {
  const { subject, total, now } = input;
  if ('query' in subject && total === 0) return noMatchMessage(subject.query);
  const items = input.items.slice(0, COMMAND_LIST_LIMIT);
  const heading =
    'filter' in subject
      ? `*${WORKLIST_FILTER_LABELS[subject.filter]}*: ${authorizations(total)}, newest problem first`
      : `*${authorizations(total)} ${total === 1 ? 'matches' : 'match'} “${quoted(subject.query)}”*`;
  const blocks: KnownBlock[] = [section(heading)];
  if (items.length === 0 && 'filter' in subject) blocks.push(section(EMPTY_FILTER_WORDS[subject.filter]));
  items.forEach((item, index) => {
    if (index > 0) blocks.push({ type: 'divider' });
    const id = item._id.toHexString();
    const row = worklistRowBlocks(item, input.lastRequests?.get(id), now, index);
    blocks.push(...withSuppressionWords(row, input.suppressions?.get(id), now));
  });
  const more = total - items.length;
  if (more > 0) {
    blocks.push(
      context(
        'query' in subject
          ? `…and ${formatCount(more)} more — narrow it down or open the App Home`
          : `…and ${formatCount(more)} more — open the App Home to page through them`,
      ),
    );
  }
  const text =
    'filter' in subject
      ? `${WORKLIST_FILTER_LABELS[subject.filter]}: ${authorizations(total)}`
      : `${authorizations(total)} match “${quoted(subject.query)}”`;
  return { text, blocks };
}

/**
 * `/reauth` and `/reauth help`, or anything `/reauth` did not understand: what it does, with examples
 * and how many authorizations each filter holds right now.
 */
export function reauthUsageMessage(input: {
  counts: Record<HomeTab, number>;
  notUnderstood?: string;
}): Message {
  const { counts } = input;
  const c = (tab: HomeTab) => `${HOME_TAB_LABELS[tab]}: ${formatCount(counts[tab])}`;
  const cmd = Command.reauth;
  const lines = [
    `*\`${cmd}\` finds a customer and opens the reauthorization form.*`,
    `• \`${cmd} jane@example.com\` — by email`,
    `• \`${cmd} jan\` — by the start of a first or last name`,
    `• \`${cmd} &lt;authorization id&gt;\` — by the id shown on a notice`,
    `• \`${cmd} list bad-logins\` — ${c('bad_logins')}`,
    `• \`${cmd} list expired\`, \`${cmd} list declined\` — ${c('expired_declined')}`,
    `• \`${cmd} list expiring\` — ${c('expiring_soon')}`,
    `• \`${cmd} list awaiting\` — ${c('awaiting_customer')}`,
    `• \`${cmd} list mine\` — the incidents you are on`,
    `• \`${cmd} history jane@example.com\` — an authorization's history`,
    `• \`${cmd} list all\` — ${c('all')}`,
  ];
  const blocks: KnownBlock[] = [];
  if (input.notUnderstood !== undefined) {
    blocks.push(section(`relink didn't understand “${quoted(input.notUnderstood)}”.`));
  }
  blocks.push(section(lines.join('\n')), context('The App Home has the same lists, with paging and search.'));
  const text =
    input.notUnderstood !== undefined
      ? `relink didn't understand “${quoted(input.notUnderstood)}”: try ${cmd} help`
      : `${cmd}: find a customer by email, name or authorization id, or list a filter`;
  return { text, blocks };
}

/** `/reauth <query>` that matched nothing: say so, and what to try instead. */
export function noMatchMessage(query: string): Message {
  const cmd = Command.reauth;
  const headline = `No authorization matches “${quoted(query)}”`;
  return {
    text: headline,
    blocks: [
      section(`*${headline}.*`),
      context(
        `Try a full email (\`${cmd} jane@example.com\`), the start of a first or last name (\`${cmd} jan\`) or an authorization id. \`${cmd} list all\` lists every authorization; the App Home has search and filters.`,
      ),
    ],
  };
}

/**
 * Plain text for the loading modal a slow `/reauth <query>` opened, when the answer is a list: what
 * happened, and where the full answer is. `name` is the only match's, when there is one.
 */
export function reauthListSummary(query: string, total: number, name: string | null): string {
  const where = "relink's reply in the conversation";
  if (total === 0) return `No authorization matches “${clip(query, 100)}”. ${where} says what to try.`;
  if (total > 1) {
    return `${formatCount(total)} authorizations match “${clip(query, 100)}”. Pick one from ${where}.`;
  }
  const who = clip(name?.trim() || 'This customer', 100);
  return `${who} doesn't need to reauthorize right now. ${where} shows where the authorization stands.`;
}

const authorizations = (n: number): string => `${formatCount(n)} authorization${n === 1 ? '' : 's'}`;
// What the person typed, shown back: one line, bounded, and never Slack markup.
const quoted = (value: string): string => escapeMrkdwn(clip(value.replace(/\s+/g, ' ').trim(), 100));

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
