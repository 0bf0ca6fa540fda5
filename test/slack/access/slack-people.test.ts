import { WebClient } from '@slack/web-api';
import { createSlackPeople } from '../../../src/slack/access/slack-people';
import { boltLogger } from '../../../src/slack/bolt-logger';
import { eventually } from '../../support/eventually';
import { silentLog } from '../../support/silent-log';
import { createSlackStandin } from '../../support/slack-standin';

const BOT_TOKEN = 'xoxb-relink-people';
const TEAM = 'T0RELINK01';
const ALERTS = 'C0ALERTS01';
const members = Array.from({ length: 450 }, (_, i) => `U0M${String(i).padStart(7, '0')}`);

const standin = createSlackStandin({
  botToken: BOT_TOKEN,
  teamId: TEAM,
  users: [
    { id: 'U0ALICE001' },
    { id: 'U0GUEST001', isUltraRestricted: true },
    { id: 'U0OTHER001', teamId: 'T0OTHERORG', isStranger: true },
  ],
  channels: [{ id: ALERTS, members }],
  usergroups: [{ id: 'S0BILLING1', users: ['U0ALICE001'] }],
});
let client: WebClient;
let now = 0;
const people = () => createSlackPeople({ now: () => now });

beforeAll(async () => {
  const { apiUrl } = await standin.start();
  client = new WebClient(BOT_TOKEN, {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    logger: boltLogger(silentLog()),
  });
});
afterAll(() => standin.stop());
beforeEach(() => {
  standin.reset();
  now = 0;
});

describe('Slack people lookups', () => {
  it('reads a person’s flags from users.info, and null for someone Slack does not know', async () => {
    const d = people();
    expect(await d.person(client, TEAM, 'U0GUEST001')).toEqual({
      teamId: TEAM,
      isStranger: false,
      isRestricted: false,
      isUltraRestricted: true,
      isDeleted: false,
      isBot: false,
      isAdmin: false,
    });
    expect(await d.person(client, TEAM, 'U0OTHER001')).toMatchObject({
      teamId: 'T0OTHERORG',
      isStranger: true,
    });
    expect(await d.person(client, TEAM, 'U0NOSUCH01')).toBeNull();
  });

  it('asks users.info once per person and workspace for five minutes, then again', async () => {
    const d = people();
    await Promise.all([d.person(client, TEAM, 'U0ALICE001'), d.person(client, TEAM, 'U0ALICE001')]);
    now += 4 * 60_000;
    await d.person(client, TEAM, 'U0ALICE001');
    expect(standin.callsTo('users.info')).toHaveLength(1);
    // Another workspace's answer is its own, even for the same user id.
    await d.person(client, 'T0SECOND01', 'U0ALICE001');
    expect(standin.callsTo('users.info')).toHaveLength(2);
    now += 2 * 60_000;
    await d.person(client, TEAM, 'U0ALICE001');
    expect(standin.callsTo('users.info')).toHaveLength(3);
  });

  it('reads every page of a channel’s members, and keeps them for a minute', async () => {
    const d = people();
    const found = await d.channelMembers(client, TEAM, ALERTS);
    expect(found.size).toBe(450);
    expect(found.has(members[449] ?? '')).toBe(true);
    const calls = standin.callsTo('conversations.members');
    expect(calls.map((c) => c.args.limit)).toEqual(['200', '200', '200']);
    await d.channelMembers(client, TEAM, ALERTS);
    expect(standin.callsTo('conversations.members')).toHaveLength(3);
    now += 61_000;
    await d.channelMembers(client, TEAM, ALERTS);
    expect(standin.callsTo('conversations.members')).toHaveLength(6);
  });

  it('reads a user group’s members, and fails on a group that does not exist', async () => {
    const d = people();
    expect([...(await d.usergroupMembers(client, TEAM, 'S0BILLING1'))]).toEqual(['U0ALICE001']);
    await expect(d.usergroupMembers(client, TEAM, 'S0NOSUCH01')).rejects.toMatchObject({
      data: expect.objectContaining({ error: 'no_such_subteam' }),
    });
  });

  it('forgets a failed lookup at once, so the next one asks Slack again', async () => {
    const d = people();
    standin.failNext('users.info', { error: 'fatal_error' });
    await expect(d.person(client, TEAM, 'U0ALICE001')).rejects.toBeDefined();
    expect(await d.person(client, TEAM, 'U0ALICE001')).toMatchObject({ teamId: TEAM });
    expect(standin.callsTo('users.info')).toHaveLength(2);
  });

  it('fails fast on a rate limit instead of waiting it out, and asks again next time', async () => {
    const p = people();
    standin.failNext('users.info', { status: 429, retryAfterSeconds: 30 });
    const started = Date.now();
    await expect(p.person(client, TEAM, 'U0ALICE001')).rejects.toBeDefined();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await p.person(client, TEAM, 'U0ALICE001')).toMatchObject({ teamId: TEAM });
    expect(standin.callsTo('users.info').map((c) => c.status)).toEqual([429, 200]);
  });

  it('shares one slow lookup with everyone who asks meanwhile', async () => {
    const p = people();
    standin.failNext('users.info', { delayMs: 300 });
    const first = p.person(client, TEAM, 'U0ALICE001');
    await eventually(() => standin.callsTo('users.info').length === 1, 'the slow call', 3_000);
    const second = p.person(client, TEAM, 'U0ALICE001');
    expect(await Promise.all([first, second])).toEqual([
      expect.objectContaining({ teamId: TEAM }),
      expect.objectContaining({ teamId: TEAM }),
    ]);
    expect(standin.callsTo('users.info')).toHaveLength(1);
  });
});
