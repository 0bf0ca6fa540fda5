import type { ActionsBlock, Button, ContextBlock, HomeView, KnownBlock } from '@slack/types';
import { customerMustAct } from '../src/domain/authorization';
import { describeProblem, timeAgo } from '../src/domain/problem-words';
import {
  HOME_PAGE_SIZE,
  HOME_TAB_LABELS,
  HOME_TABS,
  type HomeTab,
  normalizeSearch,
  type WorklistItem,
  type WorklistRequest,
} from '../src/domain/worklist';
import type { HomeData } from '../src/home/home-service';
import type { ReminderSchedule } from '../src/reauth/reminder-data';
import { ActionId, BlockId, keyedActionId } from '../src/slack/ids';
import { askReauthValue, homeMeta } from '../src/slack/metadata';
import { bulkHomeBlocks, bulkRowCheckbox } from './bulk-home';
import { customerEmailWords } from './customer-email';
import { FIX_EMAIL_LABEL, withSuppressionWords } from './delivery-words';
import { ASK_REAUTH_LABEL } from './notice-message';
import { reminderButtons, rowReminderWords } from './reminder-messages';
import { requestStatusPhrase } from './request-status-words';
import { withRowLinks } from './row-links';
import { sendProblemWords } from './send-problem-words';
import { clip, escapeMrkdwn, formatCount } from './text';
import { triageElements } from './triage-controls';
import { triageStatusWords } from './triage-words';

/*
 * Slack allows 100 blocks in a Home view. Rows take at most 4 blocks (text, request status, button,
 * divider) and the rest at most 14 (header, Settings for admins, import progress, counts, tabs,
 * search, search note + clear, bulk progress + bulk buttons, divider, empty note, range, paging), so 20
 * rows stay at 94 whatever the data: never render more rows than that. A row's "Select" checkbox sits
 * in its button block.
 */
const MAX_ROWS = HOME_PAGE_SIZE;

const EMPTY_WORDS: Record<HomeTab, string> = {
  bad_logins: 'No bad logins right now. :tada:',
  expired_declined: 'Nothing is expired, declined or revoked.',
  expiring_soon: 'Nothing expires soon.',
  awaiting_customer: 'No customer has an unanswered reauthorization email.',
  mine: "Nothing is yours right now: click *I'm on it* on an incident to see it here.",
  all: 'No authorizations yet: they appear here as the platform reports them.',
};

/** The App Home: the team's worklist, one tab at a time, newest problem first. */
export function homeView(input: HomeData): HomeView {
  const { tab, counts, page, now } = input;
  const search = normalizeSearch(input.search);
  const items = page.items.slice(0, MAX_ROWS);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Reauthorization worklist' } },
    // Admins only; the Settings listeners check again, since a click can be forged.
    ...(input.viewerIsAdmin
      ? [
          {
            type: 'actions',
            elements: [button(ActionId.openSettings, 'Settings', 'open')],
          } satisfies ActionsBlock,
        ]
      : []),
    ...(input.importing
      ? [
          context(
            `:hourglass: Importing: ${formatCount(input.importing.done)} of ${formatCount(input.importing.total)} authorizations from the platform`,
          ),
        ]
      : []),
    context(HOME_TABS.map((t) => `${HOME_TAB_LABELS[t]} *${formatCount(counts[t])}*`).join('  ·  ')),
    { type: 'actions', elements: HOME_TABS.map((t) => tabButton(t, t === tab)) },
    searchInput(search),
  ];
  if (search) {
    blocks.push(context(`Showing ${HOME_TAB_LABELS[tab]} matching “${escapeMrkdwn(search)}”`), {
      type: 'actions',
      elements: [button(ActionId.homeClearSearch, 'Clear search', 'clear')],
    });
  }
  blocks.push(...bulkHomeBlocks(input.bulk, page.total), { type: 'divider' });

  if (items.length === 0) {
    blocks.push(
      section(
        search
          ? `No authorization in *${HOME_TAB_LABELS[tab]}* matches “${escapeMrkdwn(search)}”. Try a full email or the start of a first or last name.`
          : EMPTY_WORDS[tab],
      ),
    );
  }
  items.forEach((item, index) => {
    if (index > 0) blocks.push({ type: 'divider' });
    const id = item._id.toHexString();
    const ticked = input.bulk ? input.bulk.selectedOnPage.has(id) : undefined;
    const reminder = input.reminders?.get(id);
    const row = worklistRowBlocks(item, input.lastRequests.get(id), now, index, ticked, reminder);
    const linked = withRowLinks(row, input.noticeLinks?.get(id), input.dashboardLinks?.get(id));
    blocks.push(...withSuppressionWords(linked, input.suppressions?.get(id), now));
  });
  blocks.push(...pagingBlocks(page, items.length));

  return {
    type: 'home',
    blocks,
    private_metadata: homeMeta.encode({ v: 1, tab, page: page.page, search }),
  };
}

/**
 * One authorization in a list (the Home or `/reauth`): who, which utility, what is wrong and since
 * when, the latest request, and the same button as the notice, so the same modal opens. `key` makes
 * the button's action_id unique in its view or message (see `keyedActionId`).
 */
export function worklistRowBlocks(
  item: WorklistItem,
  lastRequest: WorklistRequest | undefined,
  now: Date,
  key: number,
  /** The Home's "Select" checkbox for a bulk ask, ticked or not; no checkbox when undefined. */
  ticked?: boolean,
  /** The request's reminder schedule, while relink waits for the customer (issue 12). */
  reminder?: ReminderSchedule,
): KnownBlock[] {
  const name = escapeMrkdwn(clip(item.customer.name?.trim() || 'Unnamed customer', 150));
  const utility = escapeMrkdwn(clip(item.utility.trim() || 'Unknown utility', 100));
  const email = ` · ${customerEmailWords(item.customer.email)}`;
  const mustAct = customerMustAct(item.state);
  const icon = mustAct ? ':warning:' : item.state === 'active' ? ':white_check_mark:' : ':hourglass:';
  const since = item.incidentOpen && item.incidentSince ? ` · since ${timeAgo(item.incidentSince, now)}` : '';
  const blocks: KnownBlock[] = [
    section(`*${name}* · ${utility}${email}\n${icon} ${escapeMrkdwn(describeProblem(item, now))}${since}`),
    context(`${requestStatusWords(lastRequest, now)}${rowReminderWords(reminder)}`),
  ];
  if (mustAct) {
    blocks.push({
      type: 'actions',
      elements: [
        ...(ticked === undefined ? [] : [bulkRowCheckbox(item._id.toHexString(), ticked)]),
        {
          ...button(
            keyedActionId(ActionId.askReauth, String(key)),
            // After a bounce the same form opens with the address flagged.
            lastRequest?.status === 'bounced' ? FIX_EMAIL_LABEL : ASK_REAUTH_LABEL,
            askReauthValue.encode({ v: 1, authorizationId: item._id.toHexString() }),
          ),
          style: 'primary',
        },
        ...(reminder ? reminderButtons(reminder.requestId, String(key)) : []),
      ],
    });
  }
  return withTriage(blocks, item, now, key);
}

/**
 * Adds the row's triage (src/domain/triage.ts): where it stands beside the request status, and the
 * controls in the row's button block (one is added for rows without), so a row stays within 4 blocks.
 */
function withTriage(blocks: KnownBlock[], item: WorklistItem, now: Date, key: number): KnownBlock[] {
  const words = triageStatusWords(item.triage, now);
  const status = blocks.find((b): b is ContextBlock => b.type === 'context');
  if (words && status) status.elements.push({ type: 'mrkdwn', text: words });
  const controls = triageElements({
    authorizationId: item._id.toHexString(),
    triage: item.triage,
    incidentOpen: item.incidentOpen,
    now,
    key: String(key),
  });
  const buttons = blocks.find((b): b is ActionsBlock => b.type === 'actions');
  if (buttons) buttons.elements.push(...controls);
  else blocks.push({ type: 'actions', elements: controls });
  return blocks;
}

/** The latest request in a few words: "Email delivered 2 days ago", "No request yet". */
export function requestStatusWords(request: WorklistRequest | undefined, now: Date): string {
  if (!request) return 'No request yet';
  const ago = timeAgo(request.statusAt, now);
  const words = requestStatusPhrase(request.status, request.unconfirmed === true);
  switch (request.status) {
    case 'queued':
      return `${words} (requested ${ago})`;
    case 'bounced':
      return `${words} ${ago}: check the address and ask again`;
    case 'failed':
      return `${words} (${ago}): see the notice's thread to ${sendProblemWords(request.unconfirmed === true).todo}`;
    case 'no_response':
      return `${words} to the email and its reminders (${ago}): ask again`;
    default:
      return `${words} ${ago}`;
  }
}

function pagingBlocks(page: HomeData['page'], shown: number): KnownBlock[] {
  if (page.total === 0 || shown === 0) return [];
  const first = (page.page - 1) * page.pageSize + 1;
  const range = `${formatCount(first)}–${formatCount(first + shown - 1)} of ${formatCount(page.total)}`;
  const elements: Button[] = [];
  if (page.page > 1) elements.push(button(ActionId.homePrevious, 'Previous', String(page.page - 1)));
  if (page.page < page.pages) elements.push(button(ActionId.homeNext, 'Next', String(page.page + 1)));
  const blocks: KnownBlock[] = [context(range)];
  if (elements.length > 0) blocks.push({ type: 'actions', elements } satisfies ActionsBlock);
  return blocks;
}

function tabButton(tab: HomeTab, current: boolean): Button {
  const b = button(keyedActionId(ActionId.homeTab, tab), HOME_TAB_LABELS[tab], tab);
  return current ? { ...b, style: 'primary' } : b;
}

// Enter dispatches the search at once; a Home view has no submit button to press.
const searchInput = (search: string | null): KnownBlock => ({
  type: 'input',
  block_id: BlockId.homeSearch,
  dispatch_action: true,
  label: { type: 'plain_text', text: 'Search this tab by email or name' },
  element: {
    type: 'plain_text_input',
    action_id: ActionId.homeSearch,
    placeholder: { type: 'plain_text', text: 'jane@example.com or Jan' },
    dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
    ...(search ? { initial_value: search } : {}),
  },
});

const button = (actionId: string, text: string, value: string): Button => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text },
  value,
});

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
