import type { Server } from 'node:http';
import { closeServer, createHttpServer, listen } from '../../src/http/server';
import { createLogger } from '../../src/logger';
import type { InstallationStore } from '../../src/slack/app';
import { createSlackApp, type SlackApp, type SlackConfig } from '../../src/slack/app';
import { Command } from '../../src/slack/ids';
import { oneTimeStateStore } from '../../src/slack/oauth-state';
import { SlackPath } from '../../src/slack/receivers';
import { signSlackRequest, slashCommandBody } from '../support/slack-signing';
import { createSlackStandin } from '../support/slack-standin';

const BOT_TOKEN = 'xoxb-relink-app-test-0123456789';
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const ALERTS = 'C0ALERTS01';
const ALICE = 'U0ALICE001';
const TEAM = 'T0RELINK01';
const actor = { userId: ALICE, teamId: TEAM };

const standin = createSlackStandin({ botToken: BOT_TOKEN, teamId: TEAM });

// Every line relink (and Bolt through it) writes, at debug level so Bolt's chattiest output is included.
const logLines: string[] = [];
const log = createLogger({ level: 'debug', pretty: false }, { write: (line: string) => logLines.push(line) });
const logged = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);

const slackConfig = (overrides: Partial<SlackConfig> = {}): SlackConfig => ({
  botToken: BOT_TOKEN,
  signingSecret: SIGNING_SECRET,
  appToken: null,
  socketMode: false,
  oauth: null,
  alertChannel: ALERTS,
  apiUrl: `${standin.url}/api/`,
  ...overrides,
});

interface Running {
  slack: SlackApp;
  server: Server;
  url: string;
}
const running: Running[] = [];

async function serve(slack: SlackApp): Promise<Running> {
  const server = createHttpServer({ routes: slack.routes, log });
  const port = await listen(server, 0, '127.0.0.1');
  const r = { slack, server, url: `http://127.0.0.1:${port}` };
  running.push(r);
  return r;
}

async function post(
  url: string,
  body: string,
  options: { secret?: string; timestamp?: number; headers?: Record<string, string>; json?: boolean } = {},
) {
  const signed = signSlackRequest({
    signingSecret: options.secret ?? SIGNING_SECRET,
    body,
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
  });
  const response = await fetch(`${url}${SlackPath.events}`, {
    method: 'POST',
    headers: {
      'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
      ...signed,
      ...options.headers,
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const command = (text = 'ada@example.com') =>
  slashCommandBody({ actor, command: Command.reauth, text, channelId: ALERTS, triggerId: 'trigger-1' });

const appHomeOpened = (eventId: string) =>
  JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: TEAM,
    api_app_id: 'A0RELINKAPP',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user: ALICE, channel: 'D0ALICE001', tab: 'home', event_ts: '1.000001' },
    authorizations: [{ team_id: TEAM, user_id: 'U0RELINKBOT', is_bot: true, is_enterprise_install: false }],
  });

/** Resolves when `predicate` holds; listeners keep running after Bolt has already answered Slack. */
async function eventually(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(() => standin.start());
afterAll(() => standin.stop());
beforeEach(() => standin.reset());
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.slack.stop();
    await closeServer(r.server);
  }
});

describe('createSlackApp in HTTP mode', () => {
  it('checks the bot token with one auth.test at start and logs the bot user', async () => {
    const slack = createSlackApp({ config: slackConfig(), log });
    const seen: string[] = [];
    slack.app.command(Command.reauth, async ({ ack, command: c }) => {
      await ack();
      seen.push(c.text);
    });
    expect(standin.callsTo('auth.test')).toHaveLength(0);
    await slack.start();
    const { url } = await serve(slack);

    expect((await post(url, command('first'))).status).toBe(200);
    expect((await post(url, command('second'))).status).toBe(200);
    expect(seen).toEqual(['first', 'second']);
    expect(standin.callsTo('auth.test')).toHaveLength(1);
    expect(logged()).toContainEqual(
      expect.objectContaining({ msg: 'connected to Slack as bot user', botUserId: 'U0RELINKBOT' }),
    );
  });

  it('learns its team from auth.test and refuses requests from any other team', async () => {
    const slack = createSlackApp({
      config: slackConfig(),
      log,
      botId: 'B0RELINKBOT',
      botUserId: 'U0RELINKBOT',
    });
    const seen: string[] = [];
    slack.app.command(Command.reauth, async ({ ack, context }) => {
      await ack();
      seen.push(String(context.teamId));
    });
    await slack.start();
    expect(standin.callsTo('auth.test')).toHaveLength(1);
    const { url } = await serve(slack);
    const elsewhere = { userId: 'U0OTHER001', teamId: 'T0NOINSTALL' };
    const body = slashCommandBody({
      actor: elsewhere,
      command: Command.reauth,
      channelId: ALERTS,
      triggerId: 't',
    });
    expect((await post(url, body)).status).toBe(401);
    expect((await post(url, command())).status).toBe(200);
    expect(seen).toEqual([TEAM]);
  });

  it('makes no auth.test call when the bot ids and team are given', async () => {
    const slack = createSlackApp({
      config: slackConfig(),
      log,
      botId: 'B0RELINKBOT',
      botUserId: 'U0RELINKBOT',
      teamId: TEAM,
    });
    slack.app.command(Command.reauth, async ({ ack }) => ack());
    await slack.start();
    const { url } = await serve(slack);
    expect((await post(url, command())).status).toBe(200);
    expect(standin.callsTo('auth.test')).toHaveLength(0);
  });

  it('fails start() with a readable error when Slack refuses the token', async () => {
    const slack = createSlackApp({ config: slackConfig({ botToken: 'xoxb-not-the-token' }), log });
    await expect(slack.start()).rejects.toMatchObject({
      code: 'slack_auth_failed',
      message: expect.stringContaining('invalid_auth'),
    });
  });

  describe('with a started app', () => {
    let slack: SlackApp;
    let url: string;
    const commands: { text: string; retryNum: number | undefined }[] = [];
    const homes: { user: string; retryNum: number | undefined }[] = [];
    let posted: Promise<unknown> = Promise.resolve();

    beforeEach(async () => {
      commands.length = 0;
      homes.length = 0;
      slack = createSlackApp({
        config: slackConfig(),
        log,
        botId: 'B0RELINKBOT',
        botUserId: 'U0RELINKBOT',
        teamId: TEAM,
      });
      slack.app.command(Command.reauth, async ({ ack, command: c, context, client }) => {
        if (c.text === 'fail before ack') throw new Error('listener failed before ack');
        await ack();
        commands.push({ text: c.text, retryNum: context.retryNum });
        if (c.text === 'fail after ack') throw new Error('listener failed after ack');
        if (c.text === 'post') {
          posted = client.chat.postMessage({
            channel: ALERTS,
            text: 'Ada Lovelace: Username and password didn’t work',
          });
        }
      });
      slack.app.event('app_home_opened', async ({ event, context }) => {
        homes.push({ user: event.user, retryNum: context.retryNum });
      });
      await slack.start();
      ({ url } = await serve(slack));
    });

    it('delivers a signed slash command to its listener and answers 200 once acked', async () => {
      const response = await post(url, command('ada@example.com'));
      expect(response).toEqual({ status: 200, text: '' });
      expect(commands).toEqual([{ text: 'ada@example.com', retryNum: undefined }]);
    });

    it('answers 401 to a request signed with another secret, and runs no listener', async () => {
      const response = await post(url, command(), { secret: 'fedcba9876543210fedcba9876543210' });
      expect(response.status).toBe(401);
      expect(commands).toEqual([]);
    });

    it('answers 401 to a correctly signed request older than five minutes (replay)', async () => {
      const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
      const response = await post(url, command(), { timestamp: sixMinutesAgo });
      expect(response.status).toBe(401);
      expect(commands).toEqual([]);
    });

    it('answers 401 to an unsigned request', async () => {
      const response = await fetch(`${url}${SlackPath.events}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: command(),
      });
      expect(response.status).toBe(401);
      expect(commands).toEqual([]);
    });

    it('answers 401 to a request from a team with no installation, and runs no listener', async () => {
      const elsewhere = { userId: 'U0OTHER001', teamId: 'T0NOINSTALL' };
      const body = slashCommandBody({
        actor: elsewhere,
        command: Command.reauth,
        channelId: ALERTS,
        triggerId: 't',
      });
      expect((await post(url, body)).status).toBe(401);
      expect(commands).toEqual([]);
    });

    it('acks a Slack retry of a handled event again and runs the listener again, with retryNum set', async () => {
      // Bolt does not deduplicate: listeners see context.retryNum and must be idempotent themselves.
      const body = appHomeOpened('Ev0RETRY01');
      expect((await post(url, body, { json: true })).status).toBe(200);
      const retry = await post(url, body, {
        json: true,
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      });
      expect(retry.status).toBe(200);
      await eventually(() => homes.length === 2, 'both deliveries');
      expect(homes).toEqual([
        { user: ALICE, retryNum: undefined },
        { user: ALICE, retryNum: 1 },
      ]);
    });

    it('answers Slack’s URL verification challenge (set when the request URL is saved)', async () => {
      const body = JSON.stringify({ token: 't', challenge: 'c0ffee', type: 'url_verification' });
      const response = await post(url, body, { json: true });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.text)).toEqual({ challenge: 'c0ffee' });
    });

    it('sends listener Web API calls to SLACK_API_URL with the bot token', async () => {
      expect((await post(url, command('post'))).status).toBe(200);
      await eventually(() => standin.callsTo('chat.postMessage').length === 1, 'chat.postMessage');
      await posted;
      expect(standin.callsTo('chat.postMessage')).toEqual([
        expect.objectContaining({ ok: true, args: expect.objectContaining({ channel: ALERTS }) }),
      ]);
    });

    it('gives app.client the bot token, for notices posted outside a listener', async () => {
      const result = await slack.app.client.chat.postMessage({ channel: ALERTS, text: 'notice' });
      expect(result.ok).toBe(true);
      expect(standin.messages(ALERTS).size).toBe(1);
    });

    it('logs a listener failure once and answers 500 with no body when the listener never acked', async () => {
      const before = logLines.length;
      const response = await post(url, command('fail before ack'));
      expect(response).toEqual({ status: 500, text: '' });
      const errors = logged()
        .slice(before)
        .filter((l) => Number(l.level) >= 50);
      expect(errors).toEqual([
        expect.objectContaining({
          msg: 'slack request failed',
          request: '/reauth',
          err: expect.objectContaining({ message: 'listener failed before ack' }),
        }),
      ]);
    });

    it('keeps the 200 already sent when a listener fails after ack, and logs the failure once', async () => {
      const before = logLines.length;
      const response = await post(url, command('fail after ack'));
      expect(response).toEqual({ status: 200, text: '' });
      await eventually(
        () =>
          logged()
            .slice(before)
            .some((l) => l.msg === 'slack request failed'),
        'the log',
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const errors = logged()
        .slice(before)
        .filter((l) => Number(l.level) >= 50);
      expect(errors).toHaveLength(1);
    });
  });

  it('answers 401 before start() when the bot identity is still unknown', async () => {
    const slack = createSlackApp({ config: slackConfig(), log });
    let ran = false;
    slack.app.command(Command.reauth, async ({ ack }) => {
      ran = true;
      await ack();
    });
    const { url } = await serve(slack);
    expect((await post(url, command())).status).toBe(401);
    expect(ran).toBe(false);
  });

  it('never writes a token, the signing secret or a request body to the log, even at debug level', async () => {
    const before = logLines.length;
    const refused = createSlackApp({ config: slackConfig({ botToken: 'xoxb-not-the-token' }), log });
    await expect(refused.start()).rejects.toThrow();
    const slack = createSlackApp({ config: slackConfig(), log });
    slack.app.command(Command.reauth, async ({ client }) => {
      await client.chat.postMessage({ channel: ALERTS, text: 'notice' });
      throw new Error(`failed while holding ${BOT_TOKEN}`);
    });
    await slack.start();
    const { url } = await serve(slack);
    expect((await post(url, command())).status).toBe(500);
    // Bolt warns about a bad signature: proof its own lines come through the same logger.
    expect((await post(url, command(), { secret: 'fedcba9876543210fedcba9876543210' })).status).toBe(401);

    const lines = logLines.slice(before);
    expect(lines.some((l) => l.includes('"component":"bolt"'))).toBe(true);
    expect(lines.some((l) => l.includes('[redacted token]'))).toBe(true);
    const all = lines.join('');
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain('xoxb-not-the-token');
    expect(all).not.toContain(SIGNING_SECRET);
    expect(all).not.toContain('ada@example.com');
  });
});

describe('createSlackApp with OAuth', () => {
  const oauth = {
    clientId: '1234567890.9876543210',
    clientSecret: 'client-secret',
    stateSecret: 'state-secret-0123456789',
  };
  const store: InstallationStore = {
    storeInstallation: async () => undefined,
    fetchInstallation: async () => {
      throw new Error('no installation for this workspace');
    },
  };
  const stateStore = oneTimeStateStore({ secret: oauth.stateSecret, claims: { claim: async () => true } });

  it('refuses to build without an installation store and a state store', () => {
    expect(() => createSlackApp({ config: slackConfig({ botToken: null, oauth }), log })).toThrow(
      /installationStore/,
    );
  });

  it('serves the install page on relink’s server, asking for exactly the contract’s scopes', async () => {
    const slack = createSlackApp({
      config: slackConfig({ botToken: null, oauth }),
      log,
      installationStore: store,
      stateStore,
    });
    expect(slack.routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /slack/install',
      'GET /slack/oauth_redirect',
      'POST /slack/events',
    ]);
    const { url } = await serve(slack);
    const page = await fetch(`${url}${SlackPath.install}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`client_id=${oauth.clientId}`);
    expect(html).toContain(`scope=${encodeURIComponent('chat:write,commands')}`);
  });

  it('refuses OAuth with Socket Mode, whose install pages Bolt would serve from a second server', () => {
    expect(() =>
      createSlackApp({
        config: slackConfig({ botToken: null, oauth, appToken: 'xapp-1-A0-1-abc', socketMode: true }),
        log,
        installationStore: store,
        stateStore,
      }),
    ).toThrow(/HTTP mode/);
  });
});

describe('createSlackApp in Socket Mode', () => {
  it('serves no HTTP routes: events arrive over the socket', () => {
    const slack = createSlackApp({
      config: slackConfig({ signingSecret: null, appToken: 'xapp-1-A0RELINKAPP-1-abc', socketMode: true }),
      log,
    });
    expect(slack.routes).toEqual([]);
  });
});
