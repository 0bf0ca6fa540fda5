import type { ViewOutput } from '@slack/bolt';
import { ActionId, CallbackId } from '../../../src/slack/ids';
import { allText } from '../../support/block-kit';
import { eventually } from '../../support/eventually';
import type { PostedMessage } from '../../support/slack-standin';
import { ALERTS, ada, formValues, TEAM, useListenerHarness } from '../listeners/harness';

/*
 * Each "who may act" setting over signed HTTP: who it admits, who it refuses and how the refusal names
 * who can help; and the requests refused before any setting applies (no installation, unreadable facts).
 */

const h = useListenerHarness('resolve_access');

const bob = { userId: 'U0BOB00001', teamId: TEAM };
const carol = { userId: 'U0CAROL001', teamId: TEAM };
const BILLING = 'S0BILLING1';

/** What a click on the notice's button opened, since `from`: the form or a refusal. */
async function clickAsk(notice: PostedMessage, user: typeof bob, payload?: (p: object) => object) {
  const from = h.standin.calls.length;
  const answer = await h.click({ message: notice }, ActionId.askReauth, {
    user,
    ...(payload ? { payload } : {}),
  });
  const opened = h.standin.calls.slice(from).filter((c) => c.method === 'views.open');
  const id = (opened[0]?.response as { view?: { id?: string } } | undefined)?.view?.id;
  const view: ViewOutput | undefined = id ? h.openView(id) : undefined;
  return { answer, view, calls: h.standin.calls.slice(from) };
}

let notice: PostedMessage;
beforeAll(async () => {
  h.standin.addUser({ id: 'U0GONE0001', deleted: true });
  h.standin.addUser({ id: 'U0GUEST001', isRestricted: true });
  h.standin.addUser({ id: 'U0SHARED01', teamId: 'T0OTHERORG' });
});
beforeEach(async () => {
  notice = await h.postNotice(await h.seedBadLogin());
});

describe('"members of the alert channel"', () => {
  beforeEach(() => h.setWhoMayAct({ kind: 'channel_members' }));

  it('admits a member of the channel, found on a later page of its members', async () => {
    const others = Array.from({ length: 450 }, (_, i) => `U0M${String(i).padStart(7, '0')}`);
    h.standin.addChannel({ id: ALERTS, members: [...others, bob.userId] });

    const { view } = await clickAsk(notice, bob);

    expect(view?.callback_id).toBe(CallbackId.reauthForm);
    expect(h.listenerCalls('conversations.members').length).toBeGreaterThan(1);
  });

  it('refuses someone outside the channel, naming the channel', async () => {
    h.standin.addChannel({ id: ALERTS, members: [bob.userId] });

    let view: ViewOutput | undefined;
    const refused = await h.refusalsDuring(async () => ({ view } = await clickAsk(notice, carol)));

    expect(view?.callback_id).toBe(CallbackId.accessRefused);
    const text = allText(view?.blocks);
    expect(text).toContain(`Only members of <#${ALERTS}> can ask customers to reauthorize.`);
    expect(text).toContain(`Ask a member of <#${ALERTS}>`);
    expect(refused).toEqual([expect.objectContaining({ reason: 'not_channel_member' })]);
  });

  it('refuses a guest who is in the channel, without reading its members', async () => {
    h.standin.addChannel({ id: ALERTS, members: ['U0GUEST001'] });

    const { view, calls } = await clickAsk(notice, { userId: 'U0GUEST001', teamId: TEAM });

    expect(view?.callback_id).toBe(CallbackId.accessRefused);
    expect(calls.map((c) => c.method)).not.toContain('conversations.members');
  });

  it('lets nobody act while no alert channel is chosen, and says an admin can fix it', async () => {
    h.setWhoMayAct({ kind: 'channel_members' }, null);

    let view: ViewOutput | undefined;
    const refused = await h.refusalsDuring(async () => ({ view } = await clickAsk(notice, bob)));

    expect(allText(view?.blocks)).toContain('Ask a workspace admin to choose an alert channel');
    expect(refused).toEqual([expect.objectContaining({ reason: 'no_alert_channel' })]);
  });
});

describe('"members of a user group"', () => {
  beforeEach(() => {
    h.setWhoMayAct({ kind: 'usergroup', usergroupId: BILLING });
    h.standin.addUsergroup({ id: BILLING, users: [bob.userId] });
  });

  it('admits a member of the group', async () => {
    expect((await clickAsk(notice, bob)).view?.callback_id).toBe(CallbackId.reauthForm);
  });

  it('refuses someone outside the group, naming the group', async () => {
    let view: ViewOutput | undefined;
    const refused = await h.refusalsDuring(async () => ({ view } = await clickAsk(notice, carol)));

    expect(view?.callback_id).toBe(CallbackId.accessRefused);
    expect(allText(view?.blocks)).toContain(`Ask a member of <!subteam^${BILLING}>`);
    expect(refused).toEqual([expect.objectContaining({ reason: 'not_usergroup_member' })]);
  });

  it('refuses everyone, saying to try again, when the group no longer exists', async () => {
    h.setWhoMayAct({ kind: 'usergroup', usergroupId: 'S0DELETED1' });

    const { view } = await clickAsk(notice, bob);

    expect(allText(view?.blocks)).toContain('Try again in a minute');
    expect(h.logged()).toContainEqual(
      expect.objectContaining({ msg: 'who may act could not be checked', slackError: 'no_such_subteam' }),
    );
  });
});

describe('requests refused whatever the setting', () => {
  it('a payload from a team with no installation gets 401 before anything is read or shown', async () => {
    const from = h.standin.calls.length;
    const elsewhere = { userId: 'U0ELSEWHR1', teamId: 'T0NOINSTALL' };
    let answer = { status: 0, text: '' };
    let command = { answer, key: '' };

    const refused = await h.refusalsDuring(async () => {
      answer = await h.click({ message: notice }, ActionId.askReauth, { user: elsewhere });
      command = await h.command('ada@example.com', { user: elsewhere });
    });

    expect(answer.status).toBe(401);
    expect(command.answer.status).toBe(401);
    expect(h.standin.calls.slice(from)).toEqual([]);
    expect(h.responsesTo(command.key)).toEqual([]);
    expect(refused).toEqual([]);
  });

  it('someone from another organisation, told by the payload alone or by users.info alone', async () => {
    const byPayload = (p: object) => ({
      ...p,
      user: { ...(p as { user: object }).user, team_id: 'T0OTHERORG' },
    });
    const shared = { userId: 'U0SHARED01', teamId: TEAM };
    const refused = await h.refusalsDuring(async () => {
      expect((await clickAsk(notice, bob, byPayload)).view?.callback_id).toBe(CallbackId.accessRefused);
      expect((await clickAsk(notice, shared)).view?.callback_id).toBe(CallbackId.accessRefused);
    });
    expect(refused.map((r) => r.reason)).toEqual(['stranger', 'stranger']);
  });

  it('a deactivated account, and someone Slack does not know', async () => {
    h.standin.failNext('users.info', { error: 'user_not_found' });
    const refused = await h.refusalsDuring(async () => {
      await clickAsk(notice, { userId: 'U0NOBODY01', teamId: TEAM });
      await clickAsk(notice, { userId: 'U0GONE0001', teamId: TEAM });
    });
    expect(refused.map((r) => r.reason).sort()).toEqual(['deactivated', 'unknown_person']);
  });

  it('anyone, with "try again", while Slack cannot say who they are; the next click asks again', async () => {
    h.standin.failNext('users.info', { error: 'fatal_error' });

    let failed: Awaited<ReturnType<typeof clickAsk>> | undefined;
    const refused = await h.refusalsDuring(async () => {
      failed = await clickAsk(notice, carol);
    });
    const retried = await clickAsk(notice, carol);

    expect(allText(failed?.view?.blocks)).toContain('Try again in a minute');
    expect(refused).toEqual([expect.objectContaining({ reason: 'check_failed' })]);
    expect(retried.view?.callback_id).toBe(CallbackId.reauthForm);
  });

  it('anyone, with "try again", when Slack is too slow to answer in time; its late answer serves the next click', async () => {
    h.standin.failNext('users.info', { delayMs: 2_500 });
    const started = Date.now();

    const slow = await clickAsk(notice, carol);

    // Refused well inside the trigger_id's 3 s, and the refusal modal was not held up behind the lookup.
    expect(Date.now() - started).toBeLessThan(2_200);
    expect(slow.view?.callback_id).toBe(CallbackId.accessRefused);
    expect(allText(slow.view?.blocks)).toContain('Try again in a minute');
    await eventually(() => h.standin.callsTo('users.info').some((c) => c.ok), 'Slack’s late answer', 5_000);
    expect((await clickAsk(notice, carol)).view?.callback_id).toBe(CallbackId.reauthForm);
    expect(h.listenerCalls('users.info')).toHaveLength(1);
  });

  it('anyone, with "try again", while Slack rate-limits users.info, without waiting it out', async () => {
    h.standin.failNext('users.info', { status: 429, retryAfterSeconds: 30 });
    const started = Date.now();

    const limited = await clickAsk(notice, carol);

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(allText(limited.view?.blocks)).toContain('Try again in a minute');
  });

  it('anyone, while the workspace’s settings cannot be read', async () => {
    h.failSettings(new Error('database unreachable'));

    const { view } = await clickAsk(notice, bob);

    expect(view?.callback_id).toBe(CallbackId.accessRefused);
    expect(allText(view?.blocks)).toContain('Try again in a minute');
  });
});

describe('where the settings come from', () => {
  it('a click is checked against the settings kept in memory, a submit against those stored', async () => {
    const form = await h.openForm(notice);
    expect(h.settingsReads()).toEqual([{ teamId: TEAM, stored: false }]);

    await h.submit(form, formValues(ada));

    expect(h.settingsReads()).toEqual([
      { teamId: TEAM, stored: false },
      { teamId: TEAM, stored: true },
    ]);
  });
});
