import { SINGLE_WORKSPACE_ID } from '../../../../src/domain/workspace';
import { ActionId } from '../../../../src/slack/ids';
import { askReauthValue, homeMeta } from '../../../../src/slack/metadata';
import { DEFAULT_HOME_STATE } from '../../../../src/store/home-state';
import { allText, elementsWithActionIds } from '../../../support/block-kit';
import { ALICE, useListenerHarness } from '../harness';

const h = useListenerHarness('home_page');
const MINUTE = 60_000;

const rowsOf = (view: { blocks: unknown }) =>
  elementsWithActionIds(view.blocks)
    .filter((el) => el.action_id.startsWith(`${ActionId.askReauth}.`))
    .map((el) => askReauthValue.decode(el.value).authorizationId);

describe('Previous and Next on the App Home', () => {
  const newestFirst: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 45; i += 1) {
      const customer = { name: `Customer ${i}`, email: `customer${i}@example.com`, utility: 'PG&E' };
      newestFirst.push(await h.seed(customer, 'bad_login', { ago: (i + 1) * MINUTE }));
    }
  });
  beforeEach(() => h.homeState.set(SINGLE_WORKSPACE_ID, ALICE, DEFAULT_HOME_STATE, h.now));

  it('pages through the tab, each authorization on exactly one page, every view within Slack’s limits', async () => {
    await h.openHome();
    const seen = [...rowsOf(h.currentHome())];
    expect(allText(h.currentHome().blocks)).toContain('1–20 of 45');

    await h.click({ view: h.currentHome() }, ActionId.homeNext);
    expect(allText(h.currentHome().blocks)).toContain('21–40 of 45');
    seen.push(...rowsOf(h.currentHome()));

    await h.click({ view: h.currentHome() }, ActionId.homeNext);
    const last = h.currentHome();
    expect(allText(last.blocks)).toContain('41–45 of 45');
    expect(homeMeta.decode(last.private_metadata)).toMatchObject({ tab: 'bad_logins', page: 3 });
    expect(elementsWithActionIds(last.blocks).map((el) => el.action_id)).not.toContain(ActionId.homeNext);
    seen.push(...rowsOf(last));

    expect(seen).toEqual(newestFirst);
    const publishes = h.listenerCalls('views.publish');
    expect(publishes).toHaveLength(3);
    for (const call of publishes) expect(call).toMatchObject({ ok: true, args: { user_id: ALICE } });

    await h.click({ view: last }, ActionId.homePrevious);
    expect(allText(h.currentHome().blocks)).toContain('21–40 of 45');
    expect(h.currentHome().blocks.length).toBeLessThan(100);
  });

  it('remembers the page for the next opening', async () => {
    await h.openHome();
    await h.click({ view: h.currentHome() }, ActionId.homeNext);

    await h.openHome();

    expect(homeMeta.decode(h.currentHome().private_metadata).page).toBe(2);
  });

  it('logs a failed views.publish once', async () => {
    await h.openHome();
    h.standin.failNext('views.publish', { error: 'internal_error' });

    await h.click({ view: h.currentHome() }, ActionId.homeNext);

    const errors = h.logged().filter((line) => Number(line.level) >= 50);
    expect(errors).toEqual([
      expect.objectContaining({ msg: 'slack request failed', request: `block_actions ${ActionId.homeNext}` }),
    ]);
  });
});
