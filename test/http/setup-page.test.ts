import { networkInterfaces } from 'node:os';
import { Types } from 'mongoose';
import { loadConfig } from '../../src/config';
import { missingSlackVariables } from '../../src/http/setup-page';
import { type RunningRelink, startRelink } from '../../src/main';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { eventually } from '../support/eventually';
import { createSendgridStandin } from '../support/sendgrid-standin';
import { silentLog } from '../support/silent-log';
import { createSlackStandin } from '../support/slack-standin';
import { createUtilityApiStandIn } from '../support/utilityapi-standin';

const ALL_MISSING = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)',
  'SLACK_ALERT_CHANNEL',
];
const BOT_TOKEN = 'xoxb-setup-page-0123456789';
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const SENDGRID_KEY = 'SG.setup-page-key';
const UA_TOKEN = 'ua-setup-token';
const UA_SECRET = 'ua-setup-webhook-secret';
const CHANNEL = 'C0ALERTS01';
const PUBLIC_URL = 'https://relink.example.com';

describe('missingSlackVariables', () => {
  it('lists every Slack variable when Slack is not configured at all', () => {
    expect(missingSlackVariables(loadConfig({}).slack)).toEqual(ALL_MISSING);
    expect(missingSlackVariables(null)).toEqual(ALL_MISSING);
  });

  it('is empty for a configured HTTP, Socket Mode or OAuth setup', () => {
    const http = {
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALERT_CHANNEL: CHANNEL,
    };
    expect(missingSlackVariables(loadConfig(http).slack)).toEqual([]);
    const socket = {
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_APP_TOKEN: 'xapp-1-A-1-abc',
      SLACK_ALERT_CHANNEL: CHANNEL,
    };
    expect(missingSlackVariables(loadConfig(socket).slack)).toEqual([]);
  });
});

/** GET / as a browser on this machine would, or from `host`. */
async function page(
  relink: RunningRelink,
  options: { host?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`http://${options.host ?? '127.0.0.1'}:${relink.port}/`, {
    headers: options.headers ?? {},
  });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

describe('GET / in setup mode', () => {
  let relink: RunningRelink;
  beforeAll(async () => {
    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('setup_mode')}`,
    });
    relink = await startRelink(config, silentLog());
  });
  afterAll(() => relink.stop());

  it('names each missing piece with its next step, as accessible HTML', async () => {
    const { status, type, body } = await page(relink);
    expect(status).toBe(200);
    expect(type).toBe('text/html; charset=utf-8');
    expect(body).toContain('<html lang="en">');
    expect(body).toContain('<h1>relink setup</h1>');
    expect(body).toMatch(/<h2 id="slack">Slack — needs attention<\/h2>/);
    for (const variable of ALL_MISSING)
      expect(body).toContain(`<code>${variable.replace(/[()]/g, (c) => c)}</code>`);
    expect(body).toContain('“Create the Slack app”');
    expect(body).toContain('No UtilityAPI account is connected.');
    expect(body).toContain('<code>UTILITYAPI_TOKEN</code>');
    expect(body).toContain('SendGrid is not set up');
    expect(body).toContain('<code>RELINK_PUBLIC_URL</code>');
    expect(body).not.toContain('<script');
  });

  it('answers the same status as JSON to a script that asks for JSON', async () => {
    const { status, type, body } = await page(relink, { headers: { accept: 'application/json' } });
    expect(status).toBe(200);
    expect(type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(body)).toMatchObject({
      slack: { configured: false, missing: ALL_MISSING },
      sendgrid: null,
    });
  });

  it('answers only callers on this machine, not through a proxy', async () => {
    expect((await page(relink, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(403);
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4');
    if (!outside) throw new Error('this test needs a non-loopback network interface');
    expect((await page(relink, { host: outside.address })).status).toBe(403);
  });
});

describe('GET / with every integration configured', () => {
  const slack = createSlackStandin({
    botToken: BOT_TOKEN,
    teamId: 'T0SETUP001',
    channels: [{ id: CHANNEL, name: 'utility-alerts', isMember: false }],
  });
  const sendgrid = createSendgridStandin({
    apiKey: SENDGRID_KEY,
    senders: [{ email: 'alerts@relink.example.com', verified: true }],
  });
  const utilityapi = createUtilityApiStandIn({ token: UA_TOKEN });
  let relink: RunningRelink;

  beforeAll(async () => {
    const [{ apiUrl }, { url: sendgridUrl }, { url: utilityApiUrl }] = await Promise.all([
      slack.start(),
      sendgrid.start(),
      utilityapi.start(),
    ]);
    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('setup_page')}`,
      RELINK_PUBLIC_URL: PUBLIC_URL,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALERT_CHANNEL: CHANNEL,
      SLACK_API_URL: apiUrl,
      SENDGRID_API_KEY: SENDGRID_KEY,
      SENDGRID_FROM_EMAIL: 'alerts@relink.example.com',
      SENDGRID_API_URL: sendgridUrl,
      UTILITYAPI_TOKEN: UA_TOKEN,
      UTILITYAPI_URL: utilityApiUrl,
      UTILITYAPI_WEBHOOK_SECRET: UA_SECRET,
    });
    relink = await startRelink(config, silentLog(), { backlogSampleEveryMs: 100 });
  }, 60_000);

  afterAll(async () => {
    await relink?.stop();
    await Promise.all([slack.stop(), sendgrid.stop(), utilityapi.stop()]);
  });

  it('states where Slack, UtilityAPI and SendGrid stand, with the URLs to paste and no secrets', async () => {
    // Agenda reconciles once at start; the page says when.
    const { body } = await eventually(async () => {
      const answer = await page(relink);
      return !answer.body.includes('Last reconcile with UtilityAPI: not since') && answer;
    }, 'the startup reconcile on the page');
    expect(body).toContain('Workspace “relink test”: the bot token works.');
    expect(body).toContain('The bot is not in the alert channel #utility-alerts');
    expect(body).toContain('type <code>/invite @relink</code>');
    expect(body).toContain('The UtilityAPI token works.');
    expect(body).toContain(`<code>${PUBLIC_URL}/webhooks/utilityapi</code>`);
    expect(body).toContain('The SendGrid API key works.');
    expect(body).toContain('The sender <code>alerts@relink.example.com</code> is verified in SendGrid.');
    expect(body).toContain(`<code>${PUBLIC_URL}/webhooks/sendgrid</code>`);
    expect(body).toContain('<code>SENDGRID_WEBHOOK_PUBLIC_KEY</code>');
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, SENDGRID_KEY, UA_TOKEN, UA_SECRET]) {
      expect(body).not.toContain(secret);
    }
  });

  it('asks the platforms at most once a minute however often the page is opened', async () => {
    await page(relink);
    const before = [slack.callsTo('auth.test').length, sendgrid.requests.length, utilityapi.requests.length];
    await page(relink);
    await page(relink);
    expect([slack.callsTo('auth.test').length, sendgrid.requests.length, utilityapi.requests.length]).toEqual(
      before,
    );
  });

  it('counts parked notices and puts them back with its button', async () => {
    const { outbox } = relink.services;
    const id = `${new Types.ObjectId().toHexString()}:1:0`;
    await outbox.record({
      id,
      authorizationId: new Types.ObjectId(),
      effect: { type: 'incident.opened', since: new Date() } as never,
      createdAt: new Date(),
    });
    await outbox.markRefused({ _id: id, refusals: 2 }, 'not_in_channel', new Date());
    const { body } = await eventually(async () => {
      const answer = await page(relink);
      return answer.body.includes('1 notice Slack refused for good is parked') && answer;
    }, 'the parked notice on the page');
    const token = /name="token" value="([0-9a-f]+)"/.exec(body)?.[1];
    expect(token).toBeDefined();

    const post = (value: string) =>
      fetch(`http://127.0.0.1:${relink.port}/setup/retry-parked`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: value }).toString(),
        redirect: 'manual',
      });
    expect((await post('0'.repeat(32))).status).toBe(403);
    expect(await outbox.countParked()).toBe(1);
    const retried = await post(token as string);
    expect(retried.status).toBe(303);
    expect(retried.headers.get('location')).toBe('/');
    expect(await outbox.countParked()).toBe(0);
  });
});
