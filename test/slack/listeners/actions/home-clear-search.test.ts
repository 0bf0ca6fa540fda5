import { SINGLE_WORKSPACE_ID } from '../../../../src/domain/workspace';
import { ActionId } from '../../../../src/slack/ids';
import { homeMeta } from '../../../../src/slack/metadata';
import { allText } from '../../../support/block-kit';
import { ALICE, useListenerHarness } from '../harness';

const h = useListenerHarness('home_clear_search');

describe('Clear search on the App Home', () => {
  beforeAll(async () => {
    await h.seedBadLogin({ name: 'Jane Doe', email: 'jane@example.com', utility: 'PG&E' });
    await h.seedBadLogin({ name: 'Bob Smith', email: 'bob@example.com', utility: 'SCE' });
  });

  it('shows the whole current tab again and remembers that', async () => {
    await h.homeState.set(SINGLE_WORKSPACE_ID, ALICE, { tab: 'all', page: 1, search: 'jane' }, h.now);
    await h.openHome();
    expect(allText(h.currentHome().blocks)).not.toContain('Bob Smith');

    await h.click({ view: h.currentHome() }, ActionId.homeClearSearch);

    expect(homeMeta.decode(h.currentHome().private_metadata)).toEqual({
      v: 1,
      tab: 'all',
      page: 1,
      search: null,
    });
    expect(allText(h.currentHome().blocks)).toContain('Bob Smith');
    expect(await h.homeState.get(SINGLE_WORKSPACE_ID, ALICE)).toEqual({ tab: 'all', page: 1, search: null });
  });

  it('logs a failed views.publish once', async () => {
    await h.homeState.set(SINGLE_WORKSPACE_ID, ALICE, { tab: 'all', page: 1, search: 'jane' }, h.now);
    await h.openHome();
    h.standin.failNext('views.publish', { error: 'internal_error' });

    await h.click({ view: h.currentHome() }, ActionId.homeClearSearch);

    const errors = h.logged().filter((line) => Number(line.level) >= 50);
    expect(errors).toEqual([
      expect.objectContaining({
        msg: 'slack request failed',
        request: `block_actions ${ActionId.homeClearSearch}`,
      }),
    ]);
  });
});
