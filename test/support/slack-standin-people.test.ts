import { WebAPIPlatformError, WebClient } from '@slack/web-api';
import { boltLogger } from '../../src/slack/bolt-logger';
import { silentLog } from './silent-log';
import { createSlackStandin } from './slack-standin';

const BOT_TOKEN = 'xoxb-relink-people';
const TEAM = 'T0RELINK01';
const ALERTS = 'C0ALERTS01';
const PRIVATE = 'G0PRIVATE1';
const HIDDEN = 'G0HIDDEN01';
const many = Array.from({ length: 250 }, (_, i) => `U0M${String(i).padStart(6, '0')}`);

const standin = createSlackStandin({
  botToken: BOT_TOKEN,
  teamId: TEAM,
  users: [
    { id: 'U0ALICE001', isAdmin: true, isOwner: true },
    { id: 'U0GUEST001', isRestricted: true },
    { id: 'U0GUEST002', isUltraRestricted: true },
    { id: 'U0OTHER001', teamId: 'T0OTHERORG', isStranger: true },
    { id: 'U0GONE0001', deleted: true },
  ],
  channels: [
    { id: ALERTS, members: many },
    { id: PRIVATE, isPrivate: true, members: ['U0ALICE001'] },
    { id: HIDDEN, isPrivate: true, isMember: false, members: ['U0ALICE001'] },
  ],
  usergroups: [
    { id: 'S0BILLING1', users: ['U0ALICE001'] },
    { id: 'S0SUPPORT1', name: 'Support team', handle: 'support', users: ['U0ALICE001', 'U0GUEST001'] },
    { id: 'S0OLDTEAM1', name: 'Old team', users: [], disabled: true },
  ],
  scopes: ['chat:write', 'users:read', 'channels:read', 'usergroups:read'],
});
const quietLogger = boltLogger(silentLog());
let client: WebClient;

beforeAll(async () => {
  const { apiUrl } = await standin.start();
  client = new WebClient(BOT_TOKEN, {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    logger: quietLogger,
  });
});
afterAll(() => standin.stop());

async function slackError(call: Promise<unknown>): Promise<Record<string, unknown>> {
  const err = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof WebAPIPlatformError)) throw err;
  return err.data as unknown as Record<string, unknown>;
}

describe('Slack stand-in: users.info', () => {
  it('reports members, admins and owners of the workspace with its team id', async () => {
    const { user } = await client.users.info({ user: 'U0ALICE001' });
    expect(user).toMatchObject({
      team_id: TEAM,
      is_admin: true,
      is_owner: true,
      is_restricted: false,
      is_ultra_restricted: false,
      deleted: false,
      is_bot: false,
    });
    expect(user).not.toHaveProperty('is_stranger');
  });

  it('flags guests, strangers (with their own team) and deactivated people', async () => {
    expect((await client.users.info({ user: 'U0GUEST001' })).user).toMatchObject({ is_restricted: true });
    expect((await client.users.info({ user: 'U0GUEST002' })).user).toMatchObject({
      is_ultra_restricted: true,
    });
    expect((await client.users.info({ user: 'U0OTHER001' })).user).toMatchObject({
      team_id: 'T0OTHERORG',
      is_stranger: true,
    });
    expect((await client.users.info({ user: 'U0GONE0001' })).user).toMatchObject({ deleted: true });
  });

  it('answers user_not_found for someone it does not know', async () => {
    expect((await slackError(client.users.info({ user: 'U0NOSUCH01' }))).error).toBe('user_not_found');
  });
});

describe('Slack stand-in: conversations.members', () => {
  it('pages through a channel’s members with cursor and limit', async () => {
    const first = await client.conversations.members({ channel: ALERTS, limit: 200 });
    expect(first.members).toEqual(many.slice(0, 200));
    const cursor = first.response_metadata?.next_cursor;
    expect(cursor).toBeTruthy();
    const second = await client.conversations.members({ channel: ALERTS, limit: 200, cursor });
    expect(second.members).toEqual(many.slice(200));
    expect(second.response_metadata?.next_cursor).toBe('');
  });

  it('refuses a bad cursor, a limit out of bounds and an unknown or hidden channel', async () => {
    expect(
      (await slackError(client.conversations.members({ channel: ALERTS, cursor: 'bm9wZQ==' }))).error,
    ).toBe('invalid_cursor');
    expect((await slackError(client.conversations.members({ channel: ALERTS, limit: 1000 }))).error).toBe(
      'invalid_limit',
    );
    expect((await slackError(client.conversations.members({ channel: 'C0NOSUCH01' }))).error).toBe(
      'channel_not_found',
    );
  });

  it('needs groups:read for a private channel, which this token lacks', async () => {
    const refused = await slackError(client.conversations.members({ channel: PRIVATE }));
    expect(refused).toMatchObject({ error: 'missing_scope', needed: 'groups:read' });
    expect(String(refused.provided)).toContain('channels:read');
  });
});

describe('Slack stand-in: usergroups.users.list', () => {
  it('lists a group’s members and answers no_such_subteam for an unknown group', async () => {
    expect((await client.usergroups.users.list({ usergroup: 'S0BILLING1' })).users).toEqual(['U0ALICE001']);
    expect((await slackError(client.usergroups.users.list({ usergroup: 'S0NOSUCH01' }))).error).toBe(
      'no_such_subteam',
    );
  });
});

describe('Slack stand-in: usergroups.list', () => {
  it('lists the enabled groups with name and handle, disabled ones and members only when asked', async () => {
    const listed = await client.usergroups.list({});
    expect(listed.usergroups?.map((g) => [g.id, g.name, g.handle, g.date_delete])).toEqual([
      ['S0BILLING1', 'S0BILLING1', 's0billing1', 0],
      ['S0SUPPORT1', 'Support team', 'support', 0],
    ]);
    expect(listed.usergroups?.[1]).not.toHaveProperty('users');
    const all = await client.usergroups.list({
      include_disabled: true,
      include_users: true,
      include_count: true,
    });
    expect(all.usergroups?.find((g) => g.id === 'S0OLDTEAM1')?.date_delete).toBeGreaterThan(0);
    expect(all.usergroups?.find((g) => g.id === 'S0SUPPORT1')).toMatchObject({
      users: ['U0ALICE001', 'U0GUEST001'],
      user_count: 2,
    });
  });

  it('answers as a free plan does when told to, and refuses a flag that is not a boolean', async () => {
    standin.failNext('usergroups.list', { error: 'plan_upgrade_required' });
    expect((await slackError(client.usergroups.list({}))).error).toBe('plan_upgrade_required');
    const odd = await slackError(client.apiCall('usergroups.list', { include_disabled: 'sometimes' }));
    expect(odd.error).toBe('invalid_arguments');
  });
});

describe('Slack stand-in: scopes', () => {
  const narrow = createSlackStandin({
    botToken: BOT_TOKEN,
    channels: [{ id: HIDDEN }],
    scopes: ['chat:write'],
  });
  let narrowClient: WebClient;
  beforeAll(async () => {
    const { apiUrl } = await narrow.start();
    narrowClient = new WebClient(BOT_TOKEN, {
      slackApiUrl: apiUrl,
      retryConfig: { retries: 0 },
      logger: quietLogger,
    });
  });
  afterAll(() => narrow.stop());

  it('answers missing_scope, naming the scope, to a token without it', async () => {
    expect(await slackError(narrowClient.users.info({ user: 'U0ALICE001' }))).toMatchObject({
      error: 'missing_scope',
      needed: 'users:read',
    });
    expect(await slackError(narrowClient.usergroups.list({}))).toMatchObject({
      error: 'missing_scope',
      needed: 'usergroups:read',
    });
    expect(await slackError(narrowClient.usergroups.users.list({ usergroup: 'S0X' }))).toMatchObject({
      error: 'missing_scope',
      needed: 'usergroups:read',
    });
    expect(await slackError(narrowClient.conversations.members({ channel: HIDDEN }))).toMatchObject({
      error: 'missing_scope',
      needed: 'channels:read',
    });
  });
});
