import { SINGLE_WORKSPACE_ID } from '../../../../src/domain/workspace';
import { ActionId } from '../../../../src/slack/ids';
import { homeMeta } from '../../../../src/slack/metadata';
import { allText } from '../../../support/block-kit';
import { ALICE, useListenerHarness } from '../harness';

const h = useListenerHarness('home_search');

describe('the App Home’s search box', () => {
  beforeAll(async () => {
    await h.seedBadLogin({ name: 'Jane Doe', email: 'jane@example.com', utility: 'PG&E' });
    await h.seedBadLogin({ name: 'Janet Roe', email: 'janet@example.com', utility: 'SCE' });
    await h.seedBadLogin({ name: 'Bob Smith', email: 'bob@example.com', utility: 'SCE' });
    await h.seed({ name: 'Jan Expired', email: 'jan@example.com', utility: 'SCE' }, 'expired');
  });

  it('narrows the current tab to the matches, from its first page', async () => {
    await h.homeState.set(SINGLE_WORKSPACE_ID, ALICE, { tab: 'bad_logins', page: 2, search: null }, h.now);
    await h.openHome();

    expect((await h.searchHome(h.currentHome(), 'JAN')).status).toBe(200);

    expect(h.listenerCalls('views.publish').at(-1)).toMatchObject({ ok: true, args: { user_id: ALICE } });
    const home = h.currentHome();
    expect(homeMeta.decode(home.private_metadata)).toEqual({
      v: 1,
      tab: 'bad_logins',
      page: 1,
      search: 'JAN',
    });
    const text = allText(home.blocks);
    expect(text).toContain('Jane Doe');
    expect(text).toContain('Janet Roe');
    expect(text).not.toContain('Bob Smith');
    expect(text).not.toContain('Jan Expired');
    expect(text).toContain('Showing Bad logins matching “JAN”');
  });

  it('finds a customer by exact email', async () => {
    await h.openHome();

    await h.searchHome(h.currentHome(), 'bob@example.com');

    expect(allText(h.currentHome().blocks)).toContain('Bob Smith');
    expect(allText(h.currentHome().blocks)).not.toContain('Jane Doe');
  });

  it('clears the search when the box is emptied', async () => {
    await h.openHome();
    await h.searchHome(h.currentHome(), 'bob');

    await h.searchHome(h.currentHome(), '   ');

    expect(homeMeta.decode(h.currentHome().private_metadata).search).toBeNull();
    expect(allText(h.currentHome().blocks)).toContain('Jane Doe');
  });

  it('logs a failed views.publish once', async () => {
    await h.openHome();
    h.standin.failNext('views.publish', { error: 'invalid_arguments' });

    await h.searchHome(h.currentHome(), 'jane');

    const errors = h.logged().filter((line) => Number(line.level) >= 50);
    expect(errors).toEqual([
      expect.objectContaining({
        msg: 'slack request failed',
        request: `block_actions ${ActionId.homeSearch}`,
      }),
    ]);
  });
});
