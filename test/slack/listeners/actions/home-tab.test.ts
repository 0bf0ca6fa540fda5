import { SINGLE_WORKSPACE_ID } from '../../../../src/domain/workspace';
import { ActionId, keyedActionId } from '../../../../src/slack/ids';
import { homeMeta } from '../../../../src/slack/metadata';
import { allText, elementsWithActionIds } from '../../../support/block-kit';
import { ALICE, TEAM, useListenerHarness } from '../harness';

const h = useListenerHarness('home_tab');
const BOB = { userId: 'U0BOB00001', teamId: TEAM };
const tabButton = (tab: string) => keyedActionId(ActionId.homeTab, tab);

describe('a tab button on the App Home', () => {
  beforeAll(async () => {
    await h.seedBadLogin({ name: 'Jane Doe', email: 'jane@example.com', utility: 'PG&E' });
    await h.seed({ name: 'Ed Expired', email: 'ed@example.com', utility: 'SCE' }, 'expired');
    await h.seed({ name: 'Dee Declined', email: 'dee@example.com', utility: 'SCE' }, 'declined');
  });

  it('publishes that tab to the user who clicked it, and only to them', async () => {
    await h.openHome();
    await h.openHome({ user: BOB });
    const bobsHome = h.currentHome(BOB.userId);

    expect((await h.click({ view: h.currentHome() }, tabButton('expired_declined'))).status).toBe(200);

    const publishes = h.listenerCalls('views.publish');
    expect(publishes).toHaveLength(3);
    expect(publishes[2]).toMatchObject({ ok: true, args: { user_id: ALICE } });
    const home = h.currentHome();
    expect(homeMeta.decode(home.private_metadata)).toEqual({
      v: 1,
      tab: 'expired_declined',
      page: 1,
      search: null,
    });
    const text = allText(home.blocks);
    expect(text).toContain('Ed Expired');
    expect(text).toContain('Dee Declined');
    expect(text).not.toContain('Jane Doe');
    const styles = elementsWithActionIds(home.blocks)
      .filter((el) => el.action_id.startsWith(`${ActionId.homeTab}.`))
      .map((el) => [el.action_id, el.style]);
    expect(styles.filter(([, style]) => style === 'primary')).toEqual([
      [tabButton('expired_declined'), 'primary'],
    ]);
    expect(h.currentHome(BOB.userId)).toEqual(bobsHome);
  });

  it('remembers the tab for the next opening', async () => {
    await h.openHome();
    await h.click({ view: h.currentHome() }, tabButton('all'));

    await h.openHome();

    expect(homeMeta.decode(h.currentHome().private_metadata).tab).toBe('all');
  });

  it('uses the remembered state when the clicked Home’s metadata cannot be read, and warns once', async () => {
    await h.homeState.set(SINGLE_WORKSPACE_ID, ALICE, { tab: 'bad_logins', page: 1, search: 'jane' }, h.now);
    await h.openHome();
    const unreadable = { ...h.currentHome(), private_metadata: '{"from":"an older relink"}' };

    await h.click({ view: unreadable }, tabButton('all'));

    expect(homeMeta.decode(h.currentHome().private_metadata)).toMatchObject({ tab: 'all', search: 'jane' });
    const warnings = h.logged().filter((line) => Number(line.level) >= 40);
    expect(warnings).toEqual([
      expect.objectContaining({ msg: 'home metadata not read', listener: ActionId.homeTab }),
    ]);
  });

  it('logs a failed views.publish once; the Home on screen stays as it was', async () => {
    await h.openHome();
    const before = h.currentHome();
    h.standin.failNext('views.publish', { error: 'internal_error' });

    await h.click({ view: before }, tabButton('expiring_soon'));

    expect(h.currentHome()).toEqual(before);
    const errors = h.logged().filter((line) => Number(line.level) >= 50);
    expect(errors).toEqual([
      expect.objectContaining({
        msg: 'slack request failed',
        request: `block_actions ${tabButton('expiring_soon')}`,
      }),
    ]);
  });
});
