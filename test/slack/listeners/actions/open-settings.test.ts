import type { ViewOutput } from '@slack/bolt';
import type { InputBlock } from '@slack/types';
import { ActionId, BlockId, CallbackId } from '../../../../src/slack/ids';
import { allText, findButton, findInput } from '../../../support/block-kit';
import { alice, TEAM, useListenerHarness } from '../harness';

const h = useListenerHarness('open_settings');

const admin = { userId: 'U0ADMIN001', teamId: TEAM };
const guest = { userId: 'U0GUEST001', teamId: TEAM };

beforeEach(() => {
  h.standin.addUser({ id: admin.userId, isAdmin: true });
  h.standin.addUser({ id: alice.userId });
  h.standin.addUser({ id: guest.userId, isUltraRestricted: true });
  h.standin.addUsergroup({ id: 'S0BILLING1', name: 'Billing', handle: 'billing', users: [admin.userId] });
});

/** The admin's App Home, with its Settings button. */
async function adminHome(): Promise<ViewOutput> {
  await h.openHome({ user: admin });
  return h.currentHome(admin.userId);
}

/** The modal the listener opened last. */
function openedView(): ViewOutput {
  const opened = h.listenerCalls('views.open').at(-1);
  const id = (opened?.response as { view?: { id?: string } } | undefined)?.view?.id;
  if (!opened?.ok || !id) throw new Error(`views.open failed: ${opened?.error ?? 'not called'}`);
  return h.openView(id);
}

describe('the Settings button on the App Home', () => {
  it('is on an admin’s Home, and opens the workspace’s Settings, prefilled', async () => {
    const home = await adminHome();
    expect(findButton(home.blocks, ActionId.openSettings)).toBeDefined();

    expect((await h.click({ view: home }, ActionId.openSettings, { user: admin })).status).toBe(200);

    const settings = openedView();
    expect(settings.callback_id).toBe(CallbackId.workspaceSettings);
    const channel = findInput(settings.blocks, BlockId.settingsAlertChannel)?.element;
    expect(channel).toMatchObject({ type: 'conversations_select', initial_conversation: 'C0ALERTS01' });
    const group = findInput(settings.blocks, BlockId.settingsUsergroup)?.element;
    expect(group).toMatchObject({ type: 'static_select', options: [{ value: 'S0BILLING1' }] });
    expect(h.listenerCalls('usergroups.list')).toHaveLength(1);
  });

  it('is not on a member’s Home, and a forged click gets a refusal that says who can help', async () => {
    const home = await adminHome();
    await h.openHome({ user: alice });
    expect(findButton(h.currentHome(alice.userId).blocks, ActionId.openSettings)).toBeUndefined();

    // Alice replays the admin's button as her own click.
    expect((await h.click({ view: home }, ActionId.openSettings, { user: alice })).status).toBe(200);

    const refused = openedView();
    expect(refused.callback_id).toBe(CallbackId.settingsUnavailable);
    expect(allText(refused.blocks)).toContain('Only workspace admins and owners');
    expect(allText(refused.blocks)).toContain('Ask a workspace admin');
    expect(h.listenerCalls('usergroups.list')).toHaveLength(0);
    expect(h.logged()).toContainEqual(
      expect.objectContaining({ msg: 'settings refused: not an admin', userId: alice.userId }),
    );
  });

  it('refuses a guest before anything of relink’s is shown, as every action is', async () => {
    const home = await adminHome();
    const refusals = await h.refusalsDuring(() =>
      h.click({ view: home }, ActionId.openSettings, { user: guest }),
    );
    expect(openedView().callback_id).toBe(CallbackId.accessRefused);
    expect(refusals).toEqual([
      expect.objectContaining({ reason: 'guest', attempted: 'block_actions:open_settings' }),
    ]);
  });

  it('asks for a group id when Slack cannot list the workspace’s user groups (a free plan)', async () => {
    const home = await adminHome();
    h.standin.failNext('usergroups.list', { error: 'plan_upgrade_required' });

    await h.click({ view: home }, ActionId.openSettings, { user: admin });

    const group = findInput(openedView().blocks, BlockId.settingsUsergroup) as InputBlock;
    expect(group.element).toMatchObject({ type: 'plain_text_input', action_id: ActionId.settingsUsergroup });
    expect(allText(group)).toContain('enter the group’s id');
  });

  it('says to try again, and logs why, when relink cannot read the workspace', async () => {
    const home = await adminHome();
    // A sealed token no key opens (a key lost in a botched rotation): the workspace cannot be read.
    await h.workspaces.updateSettings('single', { cooldownHours: 5 });
    const unreadable = { token: 'rk1.x', webhookSecret: 'rk1.x', webhookPath: 'p', connectedAt: new Date() };
    await h.workspaceDocuments().updateOne({ _id: 'single' as never }, { $set: { utilityApi: unreadable } });
    try {
      await h.click({ view: home }, ActionId.openSettings, { user: admin });
      const shown = openedView();
      expect(shown.callback_id).toBe(CallbackId.settingsUnavailable);
      expect(allText(shown.blocks)).toContain('relink couldn’t open its settings just now');
      expect(allText(shown.blocks)).toContain('Try again in a minute');
      expect(h.logged()).toContainEqual(expect.objectContaining({ msg: 'settings not prepared', level: 50 }));
    } finally {
      await h.workspaceDocuments().deleteOne({ _id: 'single' as never });
    }
  });
});

describe('Settings when the membership setting leaves an admin out', () => {
  it('still offers an admin outside the chosen group the Settings, and only Settings', async () => {
    // Only members of a group the admin is not in may act: the worklist is closed to them.
    h.standin.addUsergroup({ id: 'S0OTHERS01', name: 'Others', handle: 'others', users: [alice.userId] });
    h.setWhoMayAct({ kind: 'usergroup', usergroupId: 'S0OTHERS01' });

    await h.openHome({ user: admin });
    const home = h.currentHome(admin.userId);
    expect(allText(home.blocks)).not.toContain('Bad logins');
    expect(findButton(home.blocks, ActionId.openSettings)).toBeDefined();

    expect((await h.click({ view: home }, ActionId.openSettings, { user: admin })).status).toBe(200);
    expect(openedView().callback_id).toBe(CallbackId.workspaceSettings);
  });

  it('still refuses a member who is not an admin, whatever the button', async () => {
    h.standin.addUser({ id: 'U0OUTSIDE1' });
    h.setWhoMayAct({ kind: 'usergroup', usergroupId: 'S0BILLING1' });
    const outsider = { userId: 'U0OUTSIDE1', teamId: TEAM };
    await h.openHome({ user: outsider });
    const home = h.currentHome(outsider.userId);

    expect((await h.click({ view: home }, ActionId.openSettings, { user: outsider })).status).toBe(200);
    expect(openedView().callback_id).toBe(CallbackId.settingsUnavailable);
  });
});
