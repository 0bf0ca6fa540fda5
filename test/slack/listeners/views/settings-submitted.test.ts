import type { Server } from 'node:http';
import type { ViewOutput, ViewStateValue } from '@slack/bolt';
import { SETTINGS_FIELD_MESSAGES } from '../../../../blocks/settings-outcomes';
import { SINGLE_WORKSPACE_ID } from '../../../../src/domain/workspace';
import { closeServer, createHttpServer, listen } from '../../../../src/http/server';
import { workspaceUtilityApiWebhookRoute } from '../../../../src/http/webhooks';
import { ActionId, BlockId, CallbackId } from '../../../../src/slack/ids';
import { settingsMeta } from '../../../../src/slack/metadata';
import { createInbox, type Inbox } from '../../../../src/store/inbox';
import { allText, findButton, findInput } from '../../../support/block-kit';
import { silentLog } from '../../../support/silent-log';
import { createUtilityApiStandIn } from '../../../support/utilityapi-standin';
import { ALERTS, alice, PUBLIC_URL, TEAM, useListenerHarness } from '../harness';

const h = useListenerHarness('settings_submitted');

const admin = { userId: 'U0ADMIN001', teamId: TEAM };
const SUPPORT_CHANNEL = 'C0SUPPORT9';
const TOKEN = 'ua-live-token-7f3a9c1e5b';
const SECRET = 'ua-webhook-secret-2d8e6f';

beforeEach(async () => {
  h.standin.addUser({ id: admin.userId, isAdmin: true });
  h.standin.addUser({ id: alice.userId });
  h.standin.addUsergroup({ id: 'S0BILLING1', name: 'Billing', users: [admin.userId] });
  // Each test starts from a workspace that chose nothing.
  await h.workspaceDocuments().deleteMany({});
  h.directory.forget(SINGLE_WORKSPACE_ID);
});

const option = (value: string) => ({ value, text: { type: 'plain_text' as const, text: value } });

/** What an admin fills in; `over` replaces whole fields, `undefined` leaves one out. */
function settingsValues(over: Partial<Record<string, ViewStateValue | undefined>> = {}) {
  const fields: Record<string, [string, ViewStateValue | undefined]> = {
    [BlockId.settingsAlertChannel]: [
      ActionId.settingsAlertChannel,
      { type: 'conversations_select', selected_conversation: ALERTS },
    ],
    [BlockId.settingsWhoMayAct]: [
      ActionId.settingsWhoMayAct,
      { type: 'radio_buttons', selected_option: option('everyone_but_guests') },
    ],
    [BlockId.settingsCooldownHours]: [ActionId.settingsCooldownHours, { type: 'number_input', value: '24' }],
    [BlockId.settingsExpiryWarningDays]: [
      ActionId.settingsExpiryWarningDays,
      { type: 'plain_text_input', value: '14,3' },
    ],
  };
  for (const [block, value] of Object.entries(over)) {
    // Every Settings input's action_id has its block_id's value (src/slack/ids.ts).
    fields[block] = [block, value];
  }
  const values: Record<string, Record<string, ViewStateValue>> = {};
  for (const [block, [action, value]] of Object.entries(fields)) {
    if (value !== undefined) values[block] = { [action]: value };
  }
  return values;
}
const text = (value: string, type = 'plain_text_input'): ViewStateValue => ({ type, value });

/** The admin opens their Home and clicks Settings: the modal, as the stand-in holds it. */
async function openSettings(as = admin): Promise<ViewOutput> {
  await h.openHome({ user: admin });
  const home = h.currentHome(admin.userId);
  await h.click({ view: home }, ActionId.openSettings, { user: as });
  const opened = h.listenerCalls('views.open').at(-1);
  const id = (opened?.response as { view?: { id?: string } } | undefined)?.view?.id ?? '';
  return h.openView(id);
}

const answerOf = (answer: { json?: unknown }) =>
  (answer.json ?? {}) as { response_action?: string; errors?: Record<string, string>; view?: ViewOutput };

describe('saving Settings', () => {
  it('stores the channel, who may act and the cooldown; they take effect and the Home is published again', async () => {
    const settings = await openSettings();
    const publishes = h.listenerCalls('views.publish').length;

    const answer = await h.submit(
      settings,
      settingsValues({
        [BlockId.settingsAlertChannel]: {
          type: 'conversations_select',
          selected_conversation: SUPPORT_CHANNEL,
        },
        [BlockId.settingsWhoMayAct]: { type: 'radio_buttons', selected_option: option('usergroup') },
        [BlockId.settingsUsergroup]: { type: 'static_select', selected_option: option('S0BILLING1') },
        [BlockId.settingsCooldownHours]: text('6', 'number_input'),
      }),
      { user: admin },
    );

    // A plain ack closes the modal.
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    expect((await h.workspaces.get(SINGLE_WORKSPACE_ID))?.settings).toEqual({
      alertChannel: SUPPORT_CHANNEL,
      whoMayAct: { kind: 'usergroup', usergroupId: 'S0BILLING1' },
      cooldownHours: 6,
    });
    expect(await h.directory.settings(SINGLE_WORKSPACE_ID)).toEqual({
      alertChannel: SUPPORT_CHANNEL,
      whoMayAct: { kind: 'usergroup', usergroupId: 'S0BILLING1' },
      cooldownHours: 6,
      expiryWarningDays: [14, 3],
    });
    const published = h.listenerCalls('views.publish').slice(publishes);
    expect(published.map((c) => c.args.user_id)).toEqual([admin.userId]);
    expect(findButton(h.currentHome(admin.userId).blocks, ActionId.openSettings)).toBeDefined();
    // Reopened, the modal shows what was saved.
    const reopened = await openSettings();
    expect(findInput(reopened.blocks, BlockId.settingsAlertChannel)?.element).toMatchObject({
      initial_conversation: SUPPORT_CHANNEL,
    });
    expect(findInput(reopened.blocks, BlockId.settingsCooldownHours)?.element).toMatchObject({
      initial_value: '6',
    });
  });

  it.each([
    [
      'a user-group policy without a group',
      { [BlockId.settingsWhoMayAct]: { type: 'radio_buttons', selected_option: option('usergroup') } },
      BlockId.settingsUsergroup,
      SETTINGS_FIELD_MESSAGES.usergroupMissing,
    ],
    [
      'a negative cooldown',
      { [BlockId.settingsCooldownHours]: text('-2', 'number_input') },
      BlockId.settingsCooldownHours,
      SETTINGS_FIELD_MESSAGES.cooldownNegative,
    ],
    [
      'a bad days list',
      { [BlockId.settingsExpiryWarningDays]: text('30 7 1') },
      BlockId.settingsExpiryWarningDays,
      SETTINGS_FIELD_MESSAGES.expiryNotAList,
    ],
    [
      'a token without its secret',
      { [BlockId.settingsUtilityApiToken]: text(TOKEN) },
      BlockId.settingsUtilityApiWebhookSecret,
      SETTINGS_FIELD_MESSAGES.webhookSecretNeeded,
    ],
  ])('answers %s with an error on that field, and stores nothing', async (_name, over, block, message) => {
    const settings = await openSettings();
    const answer = answerOf(await h.submit(settings, settingsValues(over), { user: admin }));
    expect(answer).toEqual({ response_action: 'errors', errors: { [block]: message } });
    expect(await h.workspaces.get(SINGLE_WORKSPACE_ID)).toBeNull();
  });

  it('refuses a forged submission by a member, and stores nothing', async () => {
    const settings = await openSettings();
    const answer = answerOf(
      await h.submit(
        settings,
        settingsValues({ [BlockId.settingsCooldownHours]: text('0', 'number_input') }),
        {
          user: alice,
        },
      ),
    );
    expect(answer.response_action).toBe('update');
    expect(answer.view?.callback_id).toBe(CallbackId.settingsUnavailable);
    expect(allText(answer.view?.blocks)).toContain('Only workspace admins and owners');
    expect(await h.workspaces.get(SINGLE_WORKSPACE_ID)).toBeNull();
    expect(h.logged()).toContainEqual(expect.objectContaining({ msg: 'settings refused: not an admin' }));
  });

  it('refuses a modal whose metadata names another workspace', async () => {
    const settings = await openSettings();
    const elsewhere = {
      ...settings,
      private_metadata: settingsMeta.encode({ v: 1, workspaceId: 'T0OTHER001' }),
    };
    const answer = answerOf(await h.submit(elsewhere, settingsValues(), { user: admin }));
    expect(answer.view?.callback_id).toBe(CallbackId.settingsUnavailable);
    expect(await h.workspaces.get(SINGLE_WORKSPACE_ID)).toBeNull();
  });
});

describe('the alert channel hears of Settings changes', () => {
  const linesIn = (channel: string, since: number) =>
    h
      .listenerCalls('chat.postMessage')
      .slice(since)
      .filter((c) => c.args.channel === channel && c.ok)
      .map((c) => allText(c.args.blocks));

  it.each([
    [
      'alerts moved: both channels hear it',
      {
        [BlockId.settingsAlertChannel]: {
          type: 'conversations_select',
          selected_conversation: SUPPORT_CHANNEL,
        },
      },
      [SUPPORT_CHANNEL, ALERTS],
      `alerts now go to <#${SUPPORT_CHANNEL}>`,
    ],
    [
      'who may act changed',
      {
        [BlockId.settingsWhoMayAct]: { type: 'radio_buttons', selected_option: option('usergroup') },
        [BlockId.settingsUsergroup]: { type: 'static_select', selected_option: option('S0BILLING1') },
      },
      [ALERTS],
      'who may act: members of a user group (<!subteam^S0BILLING1>)',
    ],
    [
      'UtilityAPI connected',
      {
        [BlockId.settingsUtilityApiToken]: text(TOKEN),
        [BlockId.settingsUtilityApiWebhookSecret]: text(SECRET),
      },
      [ALERTS],
      'UtilityAPI connected',
    ],
  ] as const)('%s: one line, who and what, no secret', async (_name, over, channels, what) => {
    h.standin.addChannel({ id: SUPPORT_CHANNEL });
    const settings = await openSettings();
    const since = h.listenerCalls('chat.postMessage').length;
    await h.submit(settings, settingsValues(over), { user: admin });
    for (const channel of channels) {
      const lines = linesIn(channel, since);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`<@${admin.userId}> changed relink's Settings`);
      expect(lines[0]).toContain(what);
    }
    const everything = JSON.stringify(h.listenerCalls('chat.postMessage').slice(since));
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(SECRET);
  });

  it('stays quiet when only the cooldown or the warnings changed', async () => {
    const settings = await openSettings();
    const since = h.listenerCalls('chat.postMessage').length;
    await h.submit(settings, settingsValues({ [BlockId.settingsCooldownHours]: text('6', 'number_input') }), {
      user: admin,
    });
    expect((await h.workspaces.get(SINGLE_WORKSPACE_ID))?.settings).toEqual({ cooldownHours: 6 });
    expect(h.listenerCalls('chat.postMessage').slice(since)).toEqual([]);
  });
});

describe('connecting UtilityAPI in Settings', () => {
  let server: Server | undefined;
  let base = '';
  let inbox: Inbox;
  beforeAll(async () => {
    inbox = createInbox(h.connection);
    await inbox.init();
  });
  afterAll(async () => {
    if (server) await closeServer(server);
  });

  /** relink's HTTP side for workspace webhooks, as src/main.ts serves it. */
  async function serveWebhooks(): Promise<string> {
    if (!server) {
      server = createHttpServer({
        routes: [
          workspaceUtilityApiWebhookRoute({
            inbox,
            clock: () => new Date(),
            log: silentLog(),
            database: { isAvailable: () => true },
            accountAt: h.directory.accountAt,
          }),
        ],
        log: silentLog(),
      });
      base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    }
    return base;
  }

  it('stores the token sealed, never shows it again, and shows the webhook URL to paste', async () => {
    const settings = await openSettings();
    const answer = answerOf(
      await h.submit(
        settings,
        settingsValues({
          [BlockId.settingsUtilityApiToken]: text(TOKEN),
          [BlockId.settingsUtilityApiWebhookSecret]: text(SECRET),
        }),
        { user: admin },
      ),
    );

    const stored = await h.workspaces.get(SINGLE_WORKSPACE_ID);
    const path = stored?.utilityApi?.webhookPath ?? '';
    expect(stored?.utilityApi).toMatchObject({ token: TOKEN, webhookSecret: SECRET });
    const raw = JSON.stringify(await h.workspaceDocuments().findOne({ _id: SINGLE_WORKSPACE_ID as never }));
    expect(raw).not.toContain(TOKEN);
    expect(raw).not.toContain(SECRET);

    expect(answer.response_action).toBe('update');
    expect(answer.view?.callback_id).toBe(CallbackId.settingsSaved);
    const url = `${PUBLIC_URL}/webhooks/utilityapi/${path}`;
    expect(allText(answer.view?.blocks)).toContain(url);
    const reopened = await openSettings();
    expect(allText(reopened.blocks)).toContain(url);
    expect(allText(reopened.blocks)).toContain('Leave blank to keep the saved one');

    // Nothing relink sent to Slack, and nothing it logged, carries the token or the secret.
    const sent = JSON.stringify(h.standin.calls.map((c) => ({ args: c.args, response: c.response })));
    expect(sent).not.toContain(TOKEN);
    expect(sent).not.toContain(SECRET);
    const logged = JSON.stringify(h.logged());
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(SECRET);
  });

  it('takes the workspace’s own webhooks at that URL, signed with its secret, and 401s any other', async () => {
    const settings = await openSettings();
    await h.submit(
      settings,
      settingsValues({
        [BlockId.settingsUtilityApiToken]: text(TOKEN),
        [BlockId.settingsUtilityApiWebhookSecret]: text(SECRET),
      }),
      { user: admin },
    );
    const shown = allText((await openSettings()).blocks);
    const pathname = new URL(/`(https:[^`]+)`/.exec(shown)?.[1] ?? '').pathname;
    const url = `${await serveWebhooks()}${pathname}`;
    const utilityapi = createUtilityApiStandIn({ token: TOKEN });

    const signed = await utilityapi.deliverWebhook({
      url,
      secret: SECRET,
      events: [{ uid: 'evt-settings-1', type: 'ping' }],
    });
    const forged = await utilityapi.deliverWebhook({
      url,
      secret: 'somebody-elses-secret',
      events: [{ uid: 'evt-settings-2', type: 'ping' }],
    });
    const unknown = await utilityapi.deliverWebhook({
      url: `${base}/webhooks/utilityapi/${'A'.repeat(43)}`,
      secret: SECRET,
      events: [{ uid: 'evt-settings-3', type: 'ping' }],
    });

    expect([signed, forged, unknown]).toEqual([200, 401, 404]);
    const events = await h.connection.collection('inbox').find({}).toArray();
    expect(events.map((e) => [e.workspaceId, e.eventId])).toEqual([[SINGLE_WORKSPACE_ID, 'evt-settings-1']]);
  });
});
