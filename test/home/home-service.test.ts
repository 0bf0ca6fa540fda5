import type { HomeView } from '@slack/types';
import { homeView } from '../../blocks/home-view';
import type { AuthorizationState } from '../../src/domain/authorization';
import { HOME_PAGE_SIZE } from '../../src/domain/worklist';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createHomeService, type HomeService } from '../../src/home/home-service';
import { ActionId } from '../../src/slack/ids';
import { askReauthValue, homeMeta } from '../../src/slack/metadata';
import type { AuthorizationStore } from '../../src/store/authorizations';
import { createHomeStateStore, type HomeStateStore } from '../../src/store/home-state';
import type { RequestStore } from '../../src/store/requests';
import { createSuppressionStore } from '../../src/store/suppressions';
import { allText, elementsWithActionIds } from '../support/block-kit';
import { validateView } from '../support/block-kit-validator';
import { useTestDatabase } from '../support/database';
import { type ObservedEvent as Observed, observedEvent } from '../support/events';
import { storesWithWorklist } from '../support/worklist';

const now = new Date('2026-06-01T12:00:00Z');
const MINUTE = 60_000;
const TEAM = SINGLE_WORKSPACE_ID;

const metaOf = (view: HomeView) => homeMeta.decode(view.private_metadata);
const rowIds = (view: HomeView): string[] =>
  elementsWithActionIds(view.blocks)
    .filter((el) => el.action_id.startsWith(`${ActionId.askReauth}.`))
    .map((el) => askReauthValue.decode(el.value).authorizationId);

describe('the Home service', () => {
  const db = useTestDatabase('home_service');
  let authorizations: AuthorizationStore;
  let requests: RequestStore;
  let homeState: HomeStateStore;
  let home: HomeService;
  let worklist: Parameters<typeof createHomeService>[0]['worklist'];
  // What the listeners publish: the service's data, drawn by the Home's view.
  const render = async (...args: Parameters<HomeService['prepare']>) => {
    const { data, state } = await home.prepare(...args);
    return { view: homeView(data), state };
  };
  const badLogins: string[] = [];
  let n = 0;

  async function seed(
    name: string,
    state: AuthorizationState,
    minutesAgo: number,
    extra: Partial<Observed> = {},
  ) {
    const at = new Date(now.getTime() - minutesAgo * MINUTE);
    const result = await authorizations.applyByKey(
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId: `ext-${n++}` },
      {
        event: observedEvent(state, at, extra),
        customer: { name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`, utility: 'PG&E' },
        actor: 'platform',
        now: at,
      },
    );
    return result.authorizationId;
  }

  beforeAll(async () => {
    const wired = await storesWithWorklist(db.connection);
    ({ authorizations, requests } = wired);
    homeState = createHomeStateStore(db.connection);
    await homeState.init();
    ({ worklist } = wired);
    home = createHomeService({ worklist, homeState, clock: () => now });
    // 45 bad logins, newest first in the order seeded: three pages of 20.
    for (let i = 0; i < 45; i += 1) badLogins.push(await seed(`Bad Login ${i}`, 'bad_login', i + 1));
    await seed('Jane Expired', 'expired', 100);
    await seed('Janet Declined', 'declined', 200, { declinedAt: new Date(now.getTime() - 200 * MINUTE) });
    await seed('Al Active', 'active', 300, { expiresAt: new Date(now.getTime() + 10 * 86_400_000) });
  });

  it('shows a first visit the bad logins, first page, with every tab’s count, and writes nothing', async () => {
    const { view, state } = await render(TEAM, 'U-first');

    expect(state).toEqual({ tab: 'bad_logins', page: 1, search: null });
    expect(metaOf(view)).toEqual({ v: 1, tab: 'bad_logins', page: 1, search: null });
    expect(allText(view.blocks)).toContain(
      'Bad logins *45*  ·  Expired / Declined *2*  ·  Expiring soon *1*  ·  Awaiting customer *0*  ·  Mine *0*  ·  All *48*',
    );
    expect(rowIds(view)).toEqual(badLogins.slice(0, HOME_PAGE_SIZE));
    expect(allText(view.blocks)).toContain('1–20 of 45');
    const states = db.connection.collection<{ _id: string }>('home_states');
    expect(await states.countDocuments({ _id: `${TEAM}:U-first` })).toBe(0);
  });

  it('returns plain data: the tab’s page, every tab’s count and the time it was read at', async () => {
    const { data } = await home.prepare(TEAM, 'U-data', { tab: 'expired_declined' });

    expect(data).toMatchObject({ tab: 'expired_declined', search: null, now });
    expect(data.counts).toEqual({
      bad_logins: 45,
      expired_declined: 2,
      expiring_soon: 1,
      awaiting_customer: 0,
      mine: 0,
      all: 48,
    });
    expect(data.page).toMatchObject({ total: 2, page: 1, pages: 1 });
    expect(data.page.items.map((item) => item.customer.name)).toEqual(['Jane Expired', 'Janet Declined']);
    expect(data.lastRequests.size).toBe(0);
  });

  it('remembers a tab switch, from its first page, for the next opening', async () => {
    await render(TEAM, 'U-tab', { page: 2 });
    const switched = await render(TEAM, 'U-tab', {
      shown: { tab: 'bad_logins', page: 2, search: null },
      tab: 'expired_declined',
    });

    expect(switched.state).toEqual({ tab: 'expired_declined', page: 1, search: null });
    expect(allText(switched.view.blocks)).toContain('Jane Expired');
    expect(allText(switched.view.blocks)).not.toContain('Bad Login');
    const reopened = await render(TEAM, 'U-tab');
    expect(metaOf(reopened.view)).toMatchObject({ tab: 'expired_declined', page: 1 });
  });

  it('pages through a tab visiting each authorization exactly once, every view within Slack’s limits', async () => {
    const seen: string[] = [];
    let rendered = await render(TEAM, 'U-pages', { tab: 'bad_logins' });
    for (;;) {
      expect(validateView(rendered.view)).toEqual([]);
      expect(rendered.view.blocks.length).toBeLessThan(100);
      seen.push(...rowIds(rendered.view));
      const next = elementsWithActionIds(rendered.view.blocks).find(
        (el) => el.action_id === ActionId.homeNext,
      );
      if (!next) break;
      rendered = await render(TEAM, 'U-pages', { shown: rendered.state, page: Number(next.value) });
    }

    expect(seen).toEqual(badLogins);
    expect(rendered.state.page).toBe(3);
    expect(allText(rendered.view.blocks)).toContain('41–45 of 45');
  });

  it('clamps a remembered page past the end of a list that shrank, and remembers the clamped page', async () => {
    await homeState.set(
      SINGLE_WORKSPACE_ID,
      'U-shrunk',
      { tab: 'expired_declined', page: 7, search: null },
      now,
    );

    const { state } = await render(TEAM, 'U-shrunk');

    expect(state).toEqual({ tab: 'expired_declined', page: 1, search: null });
    expect(await homeState.get(SINGLE_WORKSPACE_ID, 'U-shrunk')).toEqual(state);
  });

  it('narrows the current tab to a search from its first page, and clears it again', async () => {
    const shown = { tab: 'expired_declined' as const, page: 1, search: null };
    const searched = await render(TEAM, 'U-search', { shown, search: '  Janet ' });

    expect(searched.state).toEqual({ tab: 'expired_declined', page: 1, search: 'Janet' });
    expect(allText(searched.view.blocks)).toContain('Janet Declined');
    expect(allText(searched.view.blocks)).not.toContain('Jane Expired');

    const cleared = await render(TEAM, 'U-search', { shown: searched.state, search: null });
    expect(cleared.state.search).toBeNull();
    expect(allText(cleared.view.blocks)).toContain('Jane Expired');
  });

  it('keeps each user’s Home apart', async () => {
    await render(TEAM, 'U-a', { tab: 'all' });
    await render(TEAM, 'U-b', { tab: 'expiring_soon' });

    expect(metaOf((await render(TEAM, 'U-a')).view).tab).toBe('all');
    expect(metaOf((await render(TEAM, 'U-b')).view).tab).toBe('expiring_soon');
  });

  it('shows a request sent from the Home on the next render', async () => {
    const first = badLogins[0] ?? '';
    const before = await render(TEAM, 'U-request', { tab: 'bad_logins' });
    expect(allText(before.view.blocks)).toContain('No request yet');

    await requests.create(
      {
        idempotencyKey: 'home-service-1',
        authorizationId: first,
        recipient: { name: 'Bad Login 0', email: 'bad.login.0@example.com' },
        utility: 'PG&E',
        problem: { state: 'bad_login', reason: 'invalid_credentials' },
        note: null,
        requestedBy: { teamId: TEAM, userId: 'U-request' },
        sendAnyway: false,
      },
      now,
    );

    const after = await render(TEAM, 'U-request');
    const firstRow = allText(after.view.blocks).split('Bad Login 1')[0];
    expect(firstRow).toContain('Sending the email (requested just now)');
  });

  it('shows the Settings button to whoever the admin check says is an admin, and to nobody when it fails', async () => {
    const withAdmins = (viewerIsAdmin: (workspaceId: string, userId: string) => Promise<boolean>) =>
      createHomeService({ worklist, homeState, clock: () => now, viewerIsAdmin });
    const settingsButton = async (service: HomeService, userId: string) => {
      const { data } = await service.prepare(TEAM, userId);
      return elementsWithActionIds(homeView(data).blocks).some(
        (el) => el.action_id === ActionId.openSettings,
      );
    };
    const admins = withAdmins(async (workspaceId, userId) => workspaceId === TEAM && userId === 'U-admin');
    expect(await settingsButton(admins, 'U-admin')).toBe(true);
    expect(await settingsButton(admins, 'U-member')).toBe(false);
    expect(await settingsButton(home, 'U-admin')).toBe(false);
    const broken = withAdmins(async () => {
      throw new Error('Slack is down');
    });
    expect(await settingsButton(broken, 'U-admin')).toBe(false);
  });

  it("says on a row that the customer marked relink's email as spam, reading only that page's customers", async () => {
    const suppressions = createSuppressionStore(db.connection);
    await suppressions.init();
    // "Bad Login 0" is the newest bad login: the first row of the first page.
    await suppressions.record({
      workspaceId: TEAM,
      email: 'bad.login.0@example.com',
      reason: 'spamreport',
      at: new Date(now.getTime() - 2 * 60 * MINUTE),
      requestId: 'r-spam',
      now,
    });
    const asked: number[] = [];
    const service = createHomeService({
      worklist,
      homeState,
      clock: () => now,
      suppressions: (workspaceId, customers) => {
        asked.push(customers.length);
        return suppressions.among(workspaceId, customers);
      },
    });
    const { data } = await service.prepare(TEAM, 'U-spam');
    expect(data.suppressions?.get(badLogins[0] ?? '')).toMatchObject({ reason: 'spamreport' });
    expect(asked).toEqual([20]);
    const text = allText(homeView(data).blocks);
    expect(text).toContain('This customer marked our email as spam 2 hours ago');
    expect(text.split('marked our email as spam')).toHaveLength(2);
  });
});
