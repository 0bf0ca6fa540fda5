import type { AnyBlock, Button } from '@slack/types';
import { Types } from 'mongoose';
import { homeView, requestStatusWords } from '../../blocks/home-view';
import { ASK_REAUTH_LABEL } from '../../blocks/notice-message';
import type { AuthorizationState } from '../../src/domain/authorization';
import {
  HOME_PAGE_SIZE,
  HOME_TABS,
  type HomeTab,
  type WorklistItem,
  type WorklistRequest,
} from '../../src/domain/worklist';
import { ActionId, actionIdPattern, BlockId, keyedActionId } from '../../src/slack/ids';
import { askReauthValue, homeMeta } from '../../src/slack/metadata';
import { allText, elementsWithActionIds } from '../support/block-kit';
import { validateView } from '../support/block-kit-validator';

const now = new Date('2026-06-01T12:00:00Z');
const hoursAgo = (n: number) => new Date(now.getTime() - n * 3_600_000);

const item = (over: Partial<WorklistItem> = {}, state: AuthorizationState = 'bad_login'): WorklistItem => ({
  _id: new Types.ObjectId(),
  customer: { name: 'Jane Doe', email: 'jane@example.com' },
  utility: 'PG&E',
  state,
  reason: state === 'bad_login' ? 'invalid_credentials' : null,
  expiresAt: null,
  declinedAt: null,
  revokedAt: null,
  incidentOpen: state !== 'active' && state !== 'pending',
  incidentSince: state === 'active' ? null : hoursAgo(50),
  ...over,
});

const counts: Record<HomeTab, number> = {
  bad_logins: 12,
  expired_declined: 40,
  expiring_soon: 3,
  awaiting_customer: 5,
  mine: 0,
  all: 1234,
};

const view = (
  items: WorklistItem[],
  over: { tab?: HomeTab; page?: number; pages?: number; total?: number; search?: string | null } = {},
  lastRequests = new Map<string, WorklistRequest>(),
) =>
  homeView({
    tab: over.tab ?? 'bad_logins',
    counts,
    page: {
      items,
      total: over.total ?? items.length,
      page: over.page ?? 1,
      pages: over.pages ?? 1,
      pageSize: HOME_PAGE_SIZE,
    },
    search: over.search ?? null,
    lastRequests,
    now,
  });

const buttons = (blocks: AnyBlock[]) =>
  elementsWithActionIds(blocks).filter((e) => e.type === 'button') as unknown as Button[];
const askButtons = (blocks: AnyBlock[]) =>
  buttons(blocks).filter((b) => actionIdPattern(ActionId.askReauth).test(b.action_id ?? ''));
const tabButtons = (blocks: AnyBlock[]) =>
  buttons(blocks).filter((b) => actionIdPattern(ActionId.homeTab).test(b.action_id ?? ''));

describe('homeView', () => {
  it('shows who, which utility, what is wrong since when, the last request, and the notice’s button', () => {
    const jane = item();
    const requests = new Map([
      [jane._id.toHexString(), { status: 'delivered' as const, statusAt: hoursAgo(48) }],
    ]);
    const home = view([jane], {}, requests);
    const text = allText(home.blocks);
    expect(text).toContain('Jane Doe');
    expect(text).toContain('PG&amp;E');
    expect(text).toContain("Username and password didn't work · since 2 days ago");
    expect(text).toContain('Email delivered 2 days ago');
    const [ask] = askButtons(home.blocks);
    expect(ask?.text.text).toBe(ASK_REAUTH_LABEL);
    expect(askReauthValue.decode(ask?.value)).toEqual({ v: 1, authorizationId: jane._id.toHexString() });
    expect(validateView(home)).toEqual([]);
  });

  it('shows the email masked, or "No valid email on file" when there is none that is valid', () => {
    const text = allText(
      view([
        item(),
        item({ customer: { name: 'Bob', email: null } }),
        item({ customer: { name: 'Eve', email: 'eve at example' } }),
      ]).blocks,
    );
    expect(text).toContain('Jane Doe* · PG&amp;E · j***@e***.com');
    expect(text).toContain('Bob* · PG&amp;E · No valid email on file');
    expect(text).toContain('Eve* · PG&amp;E · No valid email on file');
    expect(text).not.toContain('eve at example');
  });

  it('says when no request was sent yet', () => {
    expect(allText(view([item()]).blocks)).toContain('No request yet');
  });

  it('offers the button only where the customer must act', () => {
    const mustAct: AuthorizationState[] = ['bad_login', 'expired', 'declined', 'revoked'];
    const others: AuthorizationState[] = ['provider_issue', 'active', 'pending'];
    const home = view(
      [...mustAct, ...others].map((state) => item({}, state)),
      { tab: 'all' },
    );
    expect(askButtons(home.blocks)).toHaveLength(mustAct.length);
    expect(validateView(home)).toEqual([]);
  });

  it('marks the current tab and keeps tab, page and search in private_metadata', () => {
    const home = view([item()], { tab: 'expired_declined', page: 3, pages: 5, total: 90, search: ' jan ' });
    const tabs = tabButtons(home.blocks);
    expect(tabs.map((t) => t.text.text)).toEqual([
      'Bad logins',
      'Expired / Declined',
      'Expiring soon',
      'Awaiting customer',
      'Mine',
      'All',
    ]);
    expect(tabs.map((t) => t.value)).toEqual([...HOME_TABS]);
    expect(tabs.filter((t) => t.style === 'primary').map((t) => t.value)).toEqual(['expired_declined']);
    expect(homeMeta.decode(home.private_metadata)).toEqual({
      v: 1,
      tab: 'expired_declined',
      page: 3,
      search: 'jan',
    });
  });

  it('shows each filter’s count in the header', () => {
    const text = allText(view([]).blocks);
    expect(text).toContain('Bad logins *12*');
    expect(text).toContain('Expired / Declined *40*');
    expect(text).toContain('All *1,234*');
  });

  it('pages with Previous / Next and says which rows these are', () => {
    const items = Array.from({ length: 20 }, () => item());
    const middle = view(items, { page: 3, pages: 62, total: 1234 });
    expect(allText(middle.blocks)).toContain('41–60 of 1,234');
    const pagingIds: string[] = [ActionId.homePrevious, ActionId.homeNext];
    const paging = buttons(middle.blocks).filter((b) => pagingIds.includes(b.action_id ?? ''));
    expect(paging.map((b) => [b.text.text, b.value])).toEqual([
      ['Previous', '2'],
      ['Next', '4'],
    ]);
    const first = view(items, { page: 1, pages: 62, total: 1234 });
    expect(buttons(first.blocks).some((b) => b.action_id === ActionId.homePrevious)).toBe(false);
    const last = view(items.slice(0, 14), { page: 62, pages: 62, total: 1234 });
    expect(allText(last.blocks)).toContain('1,221–1,234 of 1,234');
    expect(buttons(last.blocks).some((b) => b.action_id === ActionId.homeNext)).toBe(false);
  });

  it('has a search box that searches on Enter, filled with the current search, and a way to clear it', () => {
    const home = view([], { search: 'jane@example.com' });
    const input = home.blocks.find((b) => b.block_id === BlockId.homeSearch);
    expect(input).toMatchObject({
      type: 'input',
      dispatch_action: true,
      element: {
        action_id: ActionId.homeSearch,
        initial_value: 'jane@example.com',
        dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
      },
    });
    expect(buttons(home.blocks).some((b) => b.action_id === ActionId.homeClearSearch)).toBe(true);
    expect(allText(home.blocks)).toContain('No authorization in *Bad logins* matches “jane@example.com”');
    expect(validateView(home)).toEqual([]);
  });

  it('explains an empty tab', () => {
    const home = view([], { tab: 'expiring_soon' });
    expect(allText(home.blocks)).toContain('Nothing expires soon.');
    expect(buttons(home.blocks).some((b) => b.action_id === ActionId.homeNext)).toBe(false);
    expect(validateView(home)).toEqual([]);
  });

  it.each([0, 1, 20, 500])('stays within Slack’s limits with %i rows, long names and a long search', (n) => {
    const long = 'W'.repeat(5000);
    const items = Array.from({ length: n }, (_, i) =>
      item(
        {
          customer: { name: `${long} ${i} <!channel>`, email: `${'x'.repeat(240)}@example.com` },
          utility: long,
        },
        i % 2 ? 'expired' : 'bad_login',
      ),
    );
    const requests = new Map(
      items.map((it) => [it._id.toHexString(), { status: 'bounced' as const, statusAt: hoursAgo(3) }]),
    );
    const home = view(
      items,
      { total: 1_000_000, pages: 50_000, page: 2, search: 's'.repeat(3000) },
      requests,
    );
    expect(validateView(home)).toEqual([]);
    expect(home.blocks.length).toBeLessThan(100);
    expect(allText(home.blocks)).not.toContain('<!channel>');
  });
});

describe('a row whose latest email bounced', () => {
  it('says so and offers to fix the email and send again, opening the same form', () => {
    const bounced = item({}, 'bad_login');
    const requests = new Map([
      [bounced._id.toHexString(), { status: 'bounced' as const, statusAt: hoursAgo(1) }],
    ]);
    const home = view([bounced, item({}, 'bad_login')], {}, requests);
    const buttons = elementsWithActionIds(home.blocks).filter((e) =>
      actionIdPattern(ActionId.askReauth).test(e.action_id),
    ) as unknown as Button[];
    expect(buttons.map((b) => b.text.text)).toEqual(['Fix the email and send again', ASK_REAUTH_LABEL]);
    expect(askReauthValue.decode(buttons[0]?.value)).toEqual({
      v: 1,
      authorizationId: bounced._id.toHexString(),
    });
    expect(allText(home.blocks)).toContain('Email bounced 1 hour ago');
    expect(validateView(home)).toEqual([]);
  });
});

describe('a row whose customer asked not to be emailed', () => {
  it('says so beside the request status, without another block', () => {
    const suppressed = item({}, 'bad_login');
    const data = (suppressions?: Map<string, { reason: 'unsubscribe'; at: Date }>) =>
      homeView({
        tab: 'bad_logins',
        counts,
        page: { items: [suppressed], total: 1, page: 1, pages: 1, pageSize: HOME_PAGE_SIZE },
        search: null,
        lastRequests: new Map(),
        now,
        ...(suppressions ? { suppressions } : {}),
      });
    const plain = data();
    const home = data(new Map([[suppressed._id.toHexString(), { reason: 'unsubscribe', at: hoursAgo(3) }]]));
    expect(allText(home.blocks)).toContain(
      "This customer unsubscribed from our email 3 hours ago: relink won't email this address on its own again.",
    );
    expect(allText(plain.blocks)).not.toContain('unsubscribed');
    expect(home.blocks).toHaveLength(plain.blocks.length);
    expect(validateView(home)).toEqual([]);
  });
});

describe('requestStatusWords', () => {
  it.each([
    ['queued', 'Sending the email (requested 2 hours ago)'],
    ['sent', 'Email sent 2 hours ago'],
    ['delivered', 'Email delivered 2 hours ago'],
    ['opened', 'The customer opened the email 2 hours ago'],
    ['clicked', 'The customer opened the reauthorization link 2 hours ago'],
    ['bounced', 'Email bounced 2 hours ago: check the address and ask again'],
    ['completed', 'The customer relinked 2 hours ago'],
  ] as const)('words a %s request', (status, words) => {
    expect(requestStatusWords({ status, statusAt: hoursAgo(2) }, now)).toBe(words);
  });

  it('says a failed send offers Retry, and an unconfirmed one Send again, as the notice does', () => {
    expect(requestStatusWords({ status: 'failed', statusAt: hoursAgo(2) }, now)).toBe(
      "The email could not be sent (2 hours ago): see the notice's thread to retry",
    );
    expect(requestStatusWords({ status: 'failed', statusAt: hoursAgo(2), unconfirmed: true }, now)).toBe(
      "relink could not confirm the email went out (2 hours ago): see the notice's thread to send it again",
    );
  });
});

describe('keyed action ids', () => {
  it('let one listener receive the notice’s button and every row’s', () => {
    const pattern = actionIdPattern(ActionId.askReauth);
    expect(pattern.test(ActionId.askReauth)).toBe(true);
    expect(pattern.test(keyedActionId(ActionId.askReauth, '7'))).toBe(true);
    expect(pattern.test(ActionId.editRequest)).toBe(false);
    expect(pattern.test(`${ActionId.askReauth}_other`)).toBe(false);
  });
});

describe('the Settings button', () => {
  const data = (viewerIsAdmin: boolean | undefined, items: WorklistItem[]) => ({
    tab: 'bad_logins' as const,
    counts,
    page: { items, total: 1_000, page: 2, pages: 50, pageSize: HOME_PAGE_SIZE },
    search: 'jane',
    lastRequests: new Map<string, WorklistRequest>(),
    now,
    ...(viewerIsAdmin === undefined ? {} : { viewerIsAdmin }),
  });
  const settingsButtons = (blocks: AnyBlock[]) =>
    buttons(blocks).filter((b) => b.action_id === ActionId.openSettings);

  it('is on an admin’s Home only', () => {
    expect(settingsButtons(homeView(data(true, [item()])).blocks)).toEqual([
      expect.objectContaining({ text: expect.objectContaining({ text: 'Settings' }) }),
    ]);
    expect(settingsButtons(homeView(data(false, [item()])).blocks)).toEqual([]);
    expect(settingsButtons(homeView(data(undefined, [item()])).blocks)).toEqual([]);
  });

  it('keeps the fullest admin Home (every row with a button, a search, paging) within Slack’s limits', () => {
    const rows = Array.from({ length: HOME_PAGE_SIZE }, () => item());
    const home = homeView(data(true, rows));
    expect(validateView(home)).toEqual([]);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
  });

  it('links each row to its notice without adding blocks, and rows without a notice have no link', () => {
    const rows = Array.from({ length: HOME_PAGE_SIZE }, () => item());
    const url = (i: number) => `https://relink-test.slack.com/archives/C0ALERTS/p17000000000001${i}`;
    const noticeLinks = new Map(rows.slice(1).map((r, i) => [r._id.toHexString(), url(i)]));
    const plain = homeView(data(true, rows));
    const dashboard = (r: WorklistItem) => `https://dash.example.com/auth/${r._id.toHexString()}`;
    const dashboardLinks = new Map(rows.map((r) => [r._id.toHexString(), dashboard(r)]));
    const home = homeView({ ...data(true, rows), noticeLinks, dashboardLinks });
    expect(validateView(home)).toEqual([]);
    expect(home.blocks).toHaveLength(plain.blocks.length);
    const text = allText(home.blocks);
    expect(text).toContain(`<${url(0)}|View the notice>`);
    expect(text.match(/\|View the notice>/g)).toHaveLength(HOME_PAGE_SIZE - 1);
    expect(text).toContain(`<${dashboard(rows[0] as WorklistItem)}|Open in the UtilityAPI dashboard>`);
  });
});

describe('homeView while a first sync imports the account', () => {
  const base = {
    tab: 'bad_logins' as const,
    counts,
    page: { items: [item()], total: 1, page: 1, pages: 1, pageSize: HOME_PAGE_SIZE },
    search: null,
    lastRequests: new Map<string, WorklistRequest>(),
    now,
  };

  it('shows how far the import has come', () => {
    const home = homeView({ ...base, importing: { done: 4000, total: 10000 } });
    expect(allText(home.blocks)).toContain('Importing: 4,000 of 10,000');
    expect(validateView(home)).toEqual([]);
  });

  it('says nothing about importing once it is done', () => {
    expect(allText(homeView({ ...base, importing: null }).blocks)).not.toContain('Importing');
  });
});
