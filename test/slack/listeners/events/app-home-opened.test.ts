import { SINGLE_WORKSPACE_ID } from '../../../../src/domain/workspace';
import { ActionId, keyedActionId } from '../../../../src/slack/ids';
import { homeMeta } from '../../../../src/slack/metadata';
import { allText, elementsWithActionIds } from '../../../support/block-kit';
import { ALICE, TEAM, useListenerHarness } from '../harness';

const h = useListenerHarness('app_home_opened');
const BOB = { userId: 'U0BOB00001', teamId: TEAM };

describe('opening the App Home', () => {
  beforeAll(async () => {
    await h.seedBadLogin({ name: 'Jane Doe', email: 'jane@example.com', utility: 'PG&E' });
    await h.seedBadLogin({ name: 'John Roe', email: 'john@example.com', utility: 'SCE' });
    await h.seed({ name: 'Ed Expired', email: 'ed@example.com', utility: 'SCE' }, 'expired');
  });

  it('publishes the bad-logins tab with every tab’s count to the user who opened it', async () => {
    expect((await h.openHome()).status).toBe(200);

    const [publish, ...more] = h.listenerCalls('views.publish');
    expect(more).toEqual([]);
    // The stand-in checks the view against Block Kit and Slack's limits: ok means Slack would take it.
    expect(publish).toMatchObject({ ok: true, args: { user_id: ALICE } });
    const home = h.homeOf(ALICE)?.output;
    if (!home) throw new Error('no Home published');
    expect(homeMeta.decode(home.private_metadata)).toEqual({
      v: 1,
      tab: 'bad_logins',
      page: 1,
      search: null,
    });
    const text = allText(home.blocks);
    expect(text).toContain('Bad logins *2*  ·  Expired / Declined *1*');
    expect(text).toContain('Jane Doe');
    expect(text).toContain('John Roe');
    expect(text).not.toContain('Ed Expired');
    const current = elementsWithActionIds(home.blocks).find(
      (el) => el.action_id === keyedActionId(ActionId.homeTab, 'bad_logins'),
    );
    expect(current?.style).toBe('primary');
  });

  it('publishes the tab the user last left it on', async () => {
    await h.homeState.set(
      SINGLE_WORKSPACE_ID,
      BOB.userId,
      { tab: 'expired_declined', page: 1, search: null },
      h.now,
    );

    await h.openHome({ user: BOB });

    expect(h.listenerCalls('views.publish')).toEqual([
      expect.objectContaining({ ok: true, args: expect.objectContaining({ user_id: BOB.userId }) }),
    ]);
    const home = h.homeOf(BOB.userId)?.output;
    expect(allText(home?.blocks)).toContain('Ed Expired');
    expect(h.homeOf(ALICE)).toBeUndefined();
  });

  it('publishes nothing for the Messages tab', async () => {
    await h.openHome({ tab: 'messages' });

    expect(h.listenerCalls('views.publish')).toEqual([]);
  });

  it('logs a failed views.publish once, and publishes at the next opening', async () => {
    h.standin.failNext('views.publish', { error: 'internal_error' });

    await h.openHome();

    const errors = h.logged().filter((line) => Number(line.level) >= 50);
    expect(errors).toEqual([
      expect.objectContaining({
        msg: 'slack request failed',
        request: 'event_callback app_home_opened',
        err: expect.objectContaining({ message: expect.stringContaining('internal_error') }),
      }),
    ]);
    await h.openHome();
    expect(h.homeOf(ALICE)?.output.type).toBe('home');
  });
});
