import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, verifySlackRequest } from '@slack/bolt';
import type { HomeView, KnownBlock } from '@slack/types';
import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { boltLogger } from '../../src/slack/bolt-logger';
import { actions, button, input, modal, noticeContent, plain, section } from './block-kit-samples';
import { silentLog } from './silent-log';
import {
  blockActionsPayload,
  interactiveBody,
  postToSlackEndpoint,
  signSlackRequest,
  slashCommandBody,
  textInputValue,
  viewSubmissionPayload,
} from './slack-signing';
import { createSlackStandin } from './slack-standin';

const BOT_TOKEN = 'xoxb-relink-test';
const ALERTS = 'C0ALERTS01';
const OUTSIDE = 'C0NOTJOINED';
const ALICE = 'U0ALICE001';
const T0 = 1_700_000_000_000;

let clock = T0;
const standin = createSlackStandin({
  botToken: BOT_TOKEN,
  now: () => clock,
  channels: [
    { id: ALERTS, name: 'utility-alerts' },
    { id: OUTSIDE, isMember: false },
  ],
  users: [{ id: ALICE, name: 'alice', realName: 'Alice Ng', email: 'alice@example.com' }],
});

// The WebClient logs Slack's refusals itself; the tests assert on outcomes instead.
const quietLogger = boltLogger(silentLog());

let client: WebClient;
const clientWith = (token?: string) =>
  new WebClient(token, {
    slackApiUrl: `${standin.url}/api/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quietLogger,
  });

beforeAll(async () => {
  await standin.start();
  client = clientWith(BOT_TOKEN);
});
afterAll(() => standin.stop());
beforeEach(() => {
  standin.reset();
  clock = T0;
});

/** The Slack error a call failed with, and Slack's explanation. */
async function slackError(call: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  const err = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof WebAPIPlatformError)) throw err;
  return { error: err.data.error, messages: err.data.response_metadata?.messages ?? [] };
}

const notice = () => ({ channel: ALERTS, ...noticeContent() });

describe('Slack stand-in: authentication', () => {
  it('answers auth.test for the bot token and records the call', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({ ok: true, user_id: 'U0RELINKBOT', team_id: 'T0RELINK01' });
    expect(standin.callsTo('auth.test')).toEqual([expect.objectContaining({ ok: true, transport: 'form' })]);
  });

  it('refuses a missing token with not_authed and a wrong one with invalid_auth', async () => {
    expect((await slackError(clientWith().auth.test())).error).toBe('not_authed');
    expect((await slackError(clientWith('xoxb-wrong').auth.test())).error).toBe('invalid_auth');
  });

  it('takes the token as a form parameter, but never from a JSON body', async () => {
    const post = (contentType: string, body: string) =>
      fetch(`${standin.url}/api/auth.test`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
    const form = await post('application/x-www-form-urlencoded', `token=${BOT_TOKEN}`);
    expect(await form.json()).toMatchObject({ ok: true });
    const json = await post('application/json', JSON.stringify({ token: BOT_TOKEN }));
    expect(await json.json()).toMatchObject({ ok: false, error: 'not_authed' });
  });
});

describe('Slack stand-in: messages', () => {
  it('answers chat.getPermalink as Slack does, only for a message it has', async () => {
    const { ts } = await client.chat.postMessage(notice());
    const result = await client.chat.getPermalink({ channel: ALERTS, message_ts: String(ts) });
    expect(result).toMatchObject({ ok: true, channel: ALERTS });
    expect(result.permalink).toBe(
      `https://relink-test.slack.com/archives/${ALERTS}/p${String(ts).replace('.', '')}`,
    );
    const missing = await slackError(client.chat.getPermalink({ channel: ALERTS, message_ts: '1.000001' }));
    expect(missing.error).toBe('message_not_found');
  });

  it('posts a notice and records its blocks parsed from the form body', async () => {
    const result = await client.chat.postMessage(notice());
    expect(result).toMatchObject({ ok: true, channel: ALERTS });
    const [call] = standin.callsTo('chat.postMessage');
    expect(call?.args.blocks).toEqual(notice().blocks);
    const stored = standin.messages(ALERTS).get(String(result.ts));
    expect(stored?.text).toBe(notice().text);
    expect(stored?.blocks?.[1]?.block_id).toEqual(expect.any(String));
  });

  it('gives every message a unique, increasing ts even when the clock stands still', async () => {
    const tss: string[] = [];
    for (let i = 0; i < 3; i++) tss.push(String((await client.chat.postMessage(notice())).ts));
    expect(new Set(tss).size).toBe(3);
    expect([...tss].sort((a, b) => Number(a) - Number(b))).toEqual(tss);
  });

  it('threads replies under the root and refuses replies to unknown messages or to replies', async () => {
    const root = String((await client.chat.postMessage(notice())).ts);
    const reply = await client.chat.postMessage({ channel: ALERTS, text: 'Email sent', thread_ts: root });
    expect(standin.messages(ALERTS).get(root)?.replies).toEqual([reply.ts]);
    expect(standin.messages(ALERTS).get(String(reply.ts))?.threadTs).toBe(root);
    const nested = client.chat.postMessage({ channel: ALERTS, text: 'x', thread_ts: String(reply.ts) });
    expect((await slackError(nested)).error).toBe('invalid_thread_ts');
    const orphan = client.chat.postMessage({ channel: ALERTS, text: 'x', thread_ts: '1.000001' });
    expect((await slackError(orphan)).error).toBe('thread_not_found');
  });

  it('updates a message in place and refuses to update one that does not exist', async () => {
    const ts = String((await client.chat.postMessage(notice())).ts);
    await client.chat.update({ channel: ALERTS, ts, text: 'Resolved', blocks: [section('Resolved ✅')] });
    const stored = standin.messages(ALERTS).get(ts);
    expect(stored).toMatchObject({ text: 'Resolved', updates: 1 });
    expect(stored?.blocks).toHaveLength(1);
    expect(standin.messages(ALERTS).size).toBe(1);
    const missing = client.chat.update({ channel: ALERTS, ts: '1.000001', text: 'x' });
    expect((await slackError(missing)).error).toBe('message_not_found');
  });

  it('deletes a message and a thread reply, and refuses to delete one that does not exist', async () => {
    const root = String((await client.chat.postMessage(notice())).ts);
    const reply = String(
      (await client.chat.postMessage({ channel: ALERTS, text: 'Sent', thread_ts: root })).ts,
    );
    await client.chat.delete({ channel: ALERTS, ts: reply });
    expect(standin.messages(ALERTS).get(root)?.replies).toEqual([]);
    await client.chat.delete({ channel: ALERTS, ts: root });
    expect(standin.messages(ALERTS).size).toBe(0);
    const again = client.chat.delete({ channel: ALERTS, ts: root });
    expect((await slackError(again)).error).toBe('message_not_found');
  });

  it('posts an ephemeral message to a user', async () => {
    const result = await client.chat.postEphemeral({ channel: ALERTS, user: ALICE, text: 'Only you' });
    expect(result.message_ts).toEqual(expect.any(String));
    expect(standin.ephemeralMessages).toEqual([expect.objectContaining({ user: ALICE, text: 'Only you' })]);
  });

  it('refuses unknown channels and channels the bot has not joined', async () => {
    const unknown = client.chat.postMessage({ channel: 'C0NOSUCH', text: 'x' });
    expect((await slackError(unknown)).error).toBe('channel_not_found');
    const byName = client.chat.postMessage({ channel: '#utility-alerts', text: 'x' });
    expect((await slackError(byName)).error).toBe('channel_not_found');
    const outside = client.chat.postMessage({ channel: OUTSIDE, text: 'x' });
    expect((await slackError(outside)).error).toBe('not_in_channel');
  });

  it('refuses a message with neither text nor blocks, and text over 40,000 characters', async () => {
    expect((await slackError(client.chat.postMessage({ channel: ALERTS, text: '' }))).error).toBe('no_text');
    const long = client.chat.postMessage({ channel: ALERTS, text: 'x'.repeat(40_001) });
    expect((await slackError(long)).error).toBe('msg_too_long');
    await expect(
      client.chat.postMessage({ channel: ALERTS, text: 'x'.repeat(40_000) }),
    ).resolves.toBeTruthy();
  });

  it('refuses blocks without fallback text with no_text, though an update keeps the text it had', async () => {
    const bare = client.chat.postMessage({ channel: ALERTS, text: ' ', blocks: notice().blocks });
    const { error, messages } = await slackError(bare);
    expect(error).toBe('no_text');
    expect(messages.join('\n')).toContain('/text');
    const ts = String((await client.chat.postMessage(notice())).ts);
    await client.chat.update({ channel: ALERTS, ts, blocks: [section('Resolved ✅')] });
    expect(standin.messages(ALERTS).get(ts)).toMatchObject({ text: notice().text, updates: 1 });
  });

  const blockCases: [string, unknown[], string][] = [
    ['more than 50 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), '/blocks]'],
    ['section text over 3,000', [section('x'.repeat(3001))], '/blocks/0/text/text'],
    ['header text over 150', [{ type: 'header', text: plain('x'.repeat(151)) }], '/blocks/0/text/text'],
    ['a mrkdwn header', [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }], '/blocks/0/text/type'],
    ['button text over 75', [actions(button({ text: 'x'.repeat(76) }))], '/blocks/0/elements/0/text/text'],
    [
      'action_id over 255',
      [actions(button({ actionId: 'a'.repeat(256) }))],
      '/blocks/0/elements/0/action_id',
    ],
    ['button value over 2,000', [actions(button({ value: 'v'.repeat(2001) }))], '/blocks/0/elements/0/value'],
    [
      'an action_id used twice',
      [actions(button()), { type: 'actions', elements: [button()] }],
      '/blocks/1/elements/0/action_id',
    ],
    [
      'a block_id used twice',
      [
        { type: 'divider', block_id: 'b' },
        { type: 'divider', block_id: 'b' },
      ],
      '/blocks/1/block_id',
    ],
    [
      'a button without action_id',
      [{ type: 'actions', elements: [{ ...button(), action_id: undefined }] }],
      'action_id',
    ],
    [
      'a misspelled field',
      [{ type: 'section', text: { type: 'mrkdwn', text: 'x' }, acessory: {} }],
      '/blocks/0/acessory',
    ],
    ['an input block', [input('email', 'email_value')], '/blocks/0/type'],
  ];

  it.each(blockCases)('refuses %s with invalid_blocks saying where', async (_name, blocks, pointer) => {
    const call = client.chat.postMessage({ channel: ALERTS, text: 'x', blocks: blocks as KnownBlock[] });
    const { error, messages } = await slackError(call);
    expect(error).toBe('invalid_blocks');
    expect(messages.join('\n')).toContain(pointer);
    expect(standin.messages(ALERTS).size).toBe(0);
  });

  it('refuses blocks whose text adds up past the cumulative limit with msg_blocks_too_long', async () => {
    const blocks = Array.from({ length: 4 }, () => section('x'.repeat(2500)));
    const { error } = await slackError(client.chat.postMessage({ channel: ALERTS, text: 'x', blocks }));
    expect(error).toBe('msg_blocks_too_long');
  });

  it('reads JSON bodies with a bearer token too', async () => {
    const response = await fetch(`${standin.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${BOT_TOKEN}` },
      body: JSON.stringify(notice()),
    });
    expect(await response.json()).toMatchObject({ ok: true });
    expect(standin.callsTo('chat.postMessage')[0]).toMatchObject({ transport: 'json', args: notice() });
  });
});

describe('Slack stand-in: views', () => {
  it('opens a modal with a fresh trigger_id and returns its id and hash', async () => {
    const trigger = standin.issueTriggerId({ userId: ALICE });
    const { view } = await client.views.open({ trigger_id: trigger, view: modal() });
    expect(view).toMatchObject({ id: expect.stringMatching(/^V/), hash: expect.any(String), type: 'modal' });
    const stored = standin.views.byId.get(String(view?.id));
    expect(stored).toMatchObject({ userId: ALICE, isOpen: true, output: { callback_id: 'reauth_form' } });
  });

  it('refuses a trigger_id older than 3 seconds', async () => {
    const trigger = standin.issueTriggerId();
    clock += 3001;
    const { error } = await slackError(client.views.open({ trigger_id: trigger, view: modal() }));
    expect(error).toBe('expired_trigger_id');
  });

  it('accepts a trigger_id just inside 3 seconds', async () => {
    const trigger = standin.issueTriggerId();
    clock += 3000;
    await expect(client.views.open({ trigger_id: trigger, view: modal() })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('refuses a reused trigger_id and one Slack never issued', async () => {
    const trigger = standin.issueTriggerId();
    await client.views.open({ trigger_id: trigger, view: modal() });
    expect((await slackError(client.views.open({ trigger_id: trigger, view: modal() }))).error).toBe(
      'exchanged_trigger_id',
    );
    expect((await slackError(client.views.open({ trigger_id: '1.2.3', view: modal() }))).error).toBe(
      'invalid_trigger_id',
    );
  });

  it('spends the trigger_id even when the view is refused', async () => {
    const trigger = standin.issueTriggerId();
    await slackError(
      client.views.open({ trigger_id: trigger, view: modal({ title: plain('x'.repeat(25)) }) }),
    );
    expect((await slackError(client.views.open({ trigger_id: trigger, view: modal() }))).error).toBe(
      'exchanged_trigger_id',
    );
  });

  it('updates a view by id, and refuses a stale hash or an unknown view', async () => {
    const { view } = await client.views.open({ trigger_id: standin.issueTriggerId(), view: modal() });
    const id = String(view?.id);
    const updated = await client.views.update({
      view_id: id,
      hash: view?.hash,
      view: modal({ title: plain('Preview') }),
    });
    expect(updated.view).toMatchObject({ id, title: { text: 'Preview' } });
    expect(updated.view?.hash).not.toBe(view?.hash);
    const stale = client.views.update({ view_id: id, hash: view?.hash, view: modal() });
    expect((await slackError(stale)).error).toBe('hash_conflict');
    expect((await slackError(client.views.update({ view_id: 'VNOSUCH', view: modal() }))).error).toBe(
      'not_found',
    );
    standin.closeView(id);
    expect((await slackError(client.views.update({ view_id: id, view: modal() }))).error).toBe('not_found');
  });

  it('pushes onto a modal from a trigger inside it, up to three views', async () => {
    const { view: root } = await client.views.open({ trigger_id: standin.issueTriggerId(), view: modal() });
    let top = String(root?.id);
    for (let i = 0; i < 2; i++) {
      const pushed = await client.views.push({
        trigger_id: standin.issueTriggerId({ viewId: top }),
        view: modal(),
      });
      expect(pushed.view).toMatchObject({ root_view_id: root?.id, previous_view_id: top });
      top = String(pushed.view?.id);
    }
    const fourth = client.views.push({ trigger_id: standin.issueTriggerId({ viewId: top }), view: modal() });
    expect((await slackError(fourth)).error).toBe('push_limit_reached');
  });

  it('publishes a Home tab per user, keeping its id across publishes', async () => {
    const home: HomeView = { type: 'home', blocks: [section('Nothing needs you right now')] };
    const first = await client.views.publish({ user_id: ALICE, view: home });
    const second = await client.views.publish({ user_id: ALICE, view: home, hash: first.view?.hash });
    expect(second.view?.id).toBe(first.view?.id);
    expect(standin.views.homeByUser.get(ALICE)?.output.hash).toBe(second.view?.hash);
    const stranger = client.views.publish({ user_id: 'U0NOSUCH', view: home });
    expect((await slackError(stranger)).error).toBe('user_not_found');
    const modalAsHome = client.views.publish({ user_id: ALICE, view: modal() as unknown as HomeView });
    expect((await slackError(modalAsHome)).error).toBe('invalid_arguments');
  });

  const viewCases: [string, Record<string, unknown>, string][] = [
    ['a title over 24 characters', { title: plain('x'.repeat(25)) }, '/view/title/text'],
    ['a submit label over 24 characters', { submit: plain('x'.repeat(25)) }, '/view/submit/text'],
    ['a close label over 24 characters', { close: plain('x'.repeat(25)) }, '/view/close/text'],
    ['a mrkdwn title', { title: { type: 'mrkdwn', text: 'x' } }, '/view/title/type'],
    ['private_metadata over 3,000', { private_metadata: 'm'.repeat(3001) }, '/view/private_metadata'],
    ['callback_id over 255', { callback_id: 'c'.repeat(256) }, '/view/callback_id'],
    [
      'more than 100 blocks',
      { blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) },
      '/view/blocks]',
    ],
    [
      'an input without label',
      { blocks: [{ ...input('e', 'v'), label: undefined }] },
      '/view/blocks/0/label',
    ],
    [
      'an input without element',
      { blocks: [{ ...input('e', 'v'), element: undefined }] },
      '/view/blocks/0/element',
    ],
    ['input blocks without submit', { submit: undefined }, '/view/submit'],
    [
      'an action_id used by two inputs',
      { blocks: [input('name', 'value'), input('email', 'value')] },
      '/view/blocks/1/element/action_id',
    ],
  ];

  it.each(viewCases)('refuses a modal with %s', async (_name, over, pointer) => {
    const call = client.views.open({ trigger_id: standin.issueTriggerId(), view: modal(over) });
    const { error, messages } = await slackError(call);
    expect(error).toBe('invalid_arguments');
    expect(messages.join('\n')).toContain(pointer);
  });

  it('refuses a Home tab over 100 blocks or with modal-only fields', async () => {
    const blocks = Array.from({ length: 101 }, () => ({ type: 'divider' as const }));
    const tooMany = await slackError(
      client.views.publish({ user_id: ALICE, view: { type: 'home', blocks } }),
    );
    expect(tooMany.messages.join('\n')).toContain('/view/blocks]');
    const withSubmit = { type: 'home', blocks: [], submit: plain('Go') } as HomeView;
    const modalOnly = await slackError(client.views.publish({ user_id: ALICE, view: withSubmit }));
    expect(modalOnly.messages.join('\n')).toContain('/view/submit');
  });
});

describe('Slack stand-in: users and conversations', () => {
  it('describes known users and channels and refuses unknown ones', async () => {
    const { user } = await client.users.info({ user: ALICE });
    expect(user).toMatchObject({ id: ALICE, real_name: 'Alice Ng', profile: { email: 'alice@example.com' } });
    expect((await slackError(client.users.info({ user: 'U0NOSUCH' }))).error).toBe('user_not_found');
    const { channel } = await client.conversations.info({ channel: ALERTS });
    expect(channel).toMatchObject({ id: ALERTS, name: 'utility-alerts', is_member: true });
    expect((await slackError(client.conversations.info({ channel: 'C0NOSUCH' }))).error).toBe(
      'channel_not_found',
    );
  });
});

describe('Slack stand-in: failures on demand', () => {
  it('rate limits with 429 and a Retry-After header', async () => {
    standin.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 7 });
    const err = await client.chat.postMessage(notice()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIRateLimitedError);
    expect((err as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(standin.messages(ALERTS).size).toBe(0);

    standin.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 3 });
    const raw = await fetch(`${standin.url}/api/chat.postMessage`, { method: 'POST' });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('3');
    expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('fails the named method the given number of times, then recovers', async () => {
    standin.failNext('chat.postMessage', { error: 'channel_not_found' }, 2);
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    expect((await slackError(client.chat.postMessage(notice()))).error).toBe('channel_not_found');
    expect((await slackError(client.chat.postMessage(notice()))).error).toBe('channel_not_found');
    await expect(client.chat.postMessage(notice())).resolves.toMatchObject({ ok: true });
    expect(standin.messages(ALERTS).size).toBe(1);
  });

  it('answers late on demand, with the usual answer', async () => {
    standin.failNext('auth.test', { delayMs: 200 });
    const started = Date.now();
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('answers 500 on demand', async () => {
    standin.failNext('views.publish', { status: 500 });
    const err = await client.views
      .publish({ user_id: ALICE, view: { type: 'home', blocks: [] } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WebAPIHTTPError);
    expect((err as WebAPIHTTPError).statusCode).toBe(500);
  });

  it('answers 503 to everything while down, or drops connections', async () => {
    standin.setDown(true);
    const unavailable = await client.auth.test().catch((e: unknown) => e);
    expect((unavailable as WebAPIHTTPError).statusCode).toBe(503);
    standin.setDown(true, 'reset');
    await expect(client.auth.test()).rejects.toBeInstanceOf(WebAPIRequestError);
    standin.setDown(false);
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
  });
});

describe('Slack request signing against Bolt', () => {
  const signingSecret = 'relink-test-signing-secret';
  const actor = { userId: ALICE, teamId: 'T0RELINK01' };
  let app: App;
  let endpoint: string;
  const received: unknown[] = [];

  beforeAll(async () => {
    app = new App({
      token: BOT_TOKEN,
      signingSecret,
      botId: 'B0RELINKBOT',
      botUserId: 'U0RELINKBOT',
      clientOptions: { slackApiUrl: `${standin.url}/api/`, retryConfig: { retries: 0 } },
      processBeforeResponse: true,
      logger: quietLogger,
    });
    app.command('/reauth', async ({ ack, body, client: c }) => {
      await ack();
      await c.views.open({ trigger_id: body.trigger_id, view: modal() });
    });
    app.action('ask_reauth', async ({ ack, body, client: c }) => {
      await ack();
      received.push(body);
      if (body.type === 'block_actions') await c.views.open({ trigger_id: body.trigger_id, view: modal() });
    });
    app.view('reauth_form', async ({ ack, view }) => {
      received.push(view.state.values);
      await ack({ response_action: 'errors', errors: { email: 'Check the address' } });
    });
    const server = (await app.start(0)) as Server;
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(() => app.stop());
  beforeEach(() => {
    received.length = 0;
  });

  it('signs exactly as Slack does, so Bolt verifies the request', () => {
    const body = 'token=x&command=%2Freauth';
    const headers = signSlackRequest({ signingSecret, body, timestamp: Math.floor(Date.now() / 1000) });
    expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(() =>
      verifySlackRequest({
        signingSecret,
        body,
        headers: {
          'x-slack-signature': String(headers['x-slack-signature']),
          'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
        },
      }),
    ).not.toThrow();
  });

  it('delivers a slash command whose handler opens a modal in time', async () => {
    const triggerId = standin.issueTriggerId({ userId: ALICE });
    const body = slashCommandBody({ actor, command: '/reauth', text: 'Ada', channelId: ALERTS, triggerId });
    const response = await postToSlackEndpoint(endpoint, body, signingSecret);
    expect(response.status).toBe(200);
    expect(standin.views.byId.size).toBe(1);
    expect([...standin.views.byId.values()][0]?.userId).toBe(ALICE);
  });

  it('is refused by Bolt when signed with another secret', async () => {
    const body = slashCommandBody({ actor, command: '/reauth', channelId: ALERTS, triggerId: 'x' });
    const response = await postToSlackEndpoint(endpoint, body, 'not-the-secret');
    expect(response.status).toBe(401);
    expect(standin.callsTo('views.open')).toHaveLength(0);
  });

  it('clicks a button that exists on a posted notice', async () => {
    const ts = String((await client.chat.postMessage(notice())).ts);
    const message = standin.messages(ALERTS).get(ts);
    if (!message) throw new Error('notice not stored');
    const payload = blockActionsPayload({
      actor,
      triggerId: standin.issueTriggerId({ userId: ALICE }),
      actionId: 'ask_reauth',
      source: { message },
    });
    const response = await postToSlackEndpoint(endpoint, interactiveBody(payload), signingSecret);
    expect(response.status).toBe(200);
    expect(received).toEqual([
      expect.objectContaining({ actions: [expect.objectContaining({ value: '{"v":1,"id":"a1"}' })] }),
    ]);
    expect(standin.callsTo('views.open')).toEqual([expect.objectContaining({ ok: true })]);
    expect(() =>
      blockActionsPayload({ actor, triggerId: 'x', actionId: 'no_such_button', source: { message } }),
    ).toThrow('no_such_button');
  });

  it('submits an open modal and returns the response_action to Slack', async () => {
    const { view } = await client.views.open({ trigger_id: standin.issueTriggerId(), view: modal() });
    const output = standin.views.byId.get(String(view?.id))?.output;
    if (!output) throw new Error('view not stored');
    const values = { email: { email_value: textInputValue('ada@example', 'email_text_input') } };
    const payload = viewSubmissionPayload({
      actor,
      triggerId: standin.issueTriggerId(),
      view: output,
      values,
    });
    const response = await postToSlackEndpoint(endpoint, interactiveBody(payload), signingSecret);
    expect(response.json).toEqual({ response_action: 'errors', errors: { email: 'Check the address' } });
    expect(received).toEqual([values]);
    expect(() => viewSubmissionPayload({ actor, triggerId: 'x', view: output, values: {} })).toThrow(
      'required',
    );
  });
});
