import { WebClient } from '@slack/web-api';
import { createSlackPeople } from '../../src/slack/access/slack-people';
import { boltLogger } from '../../src/slack/bolt-logger';
import { botClients, createSettingsAdmins } from '../../src/slack/settings-admins';
import { silentLog } from '../support/silent-log';
import { createSlackStandin } from '../support/slack-standin';

const BOT_TOKEN = 'xoxb-relink-settings-admins';
const TEAM = 'T0RELINK01';
const log = silentLog();

const standin = createSlackStandin({
  botToken: BOT_TOKEN,
  teamId: TEAM,
  users: [
    { id: 'U0ADMIN001', isAdmin: true },
    { id: 'U0OWNER001', isOwner: true },
    { id: 'U0PRIMARY1', isPrimaryOwner: true },
    { id: 'U0MEMBER01' },
    { id: 'U0INSTALL1' },
    { id: 'U0GUESTAD1', isAdmin: true, isRestricted: true },
    { id: 'U0PARTNER1', isAdmin: true, teamId: 'T0PARTNER1', isStranger: true },
  ],
});
let client: WebClient;
let apiUrl = '';
beforeAll(async () => {
  apiUrl = (await standin.start()).apiUrl;
  client = new WebClient(BOT_TOKEN, { slackApiUrl: apiUrl, logger: boltLogger(log) });
});
afterAll(() => standin.stop());
beforeEach(() => standin.reset());

const admins = (over: { installer?: string | null; deadlineMs?: number } = {}) => {
  let installerReads = 0;
  const made = createSettingsAdmins({
    people: createSlackPeople({ logger: boltLogger(log) }),
    installerOf: async () => {
      installerReads += 1;
      return over.installer ?? null;
    },
    clientFor: botClients({
      botToken: async (workspaceId) => (workspaceId === TEAM ? BOT_TOKEN : null),
      slackApiUrl: apiUrl,
    }),
    log,
    ...(over.deadlineMs ? { deadlineMs: over.deadlineMs } : {}),
  });
  return Object.assign(made, { installerReads: () => installerReads });
};
const ask = (userId: string, payloadTeamId: string | null = TEAM) => ({
  workspaceId: TEAM,
  userId,
  client,
  installationTeamId: TEAM,
  payloadTeamId,
});

describe('who may change Settings, asked of Slack', () => {
  it('is workspace admins, owners and the primary owner, and whoever installed relink', async () => {
    const a = admins({ installer: 'U0INSTALL1' });
    for (const userId of ['U0ADMIN001', 'U0OWNER001', 'U0PRIMARY1', 'U0INSTALL1']) {
      expect(await a.isAdmin(ask(userId))).toBe(true);
    }
    expect(await a.isAdmin(ask('U0MEMBER01'))).toBe(false);
  });

  it('is never a guest or someone from another organisation, whatever Slack calls them', async () => {
    const a = admins({ installer: 'U0GUESTAD1' });
    expect(await a.isAdmin(ask('U0GUESTAD1'))).toBe(false);
    expect(await a.isAdmin(ask('U0PARTNER1'))).toBe(false);
    // The payload alone can say so too: an admin clicking from a partner's workspace.
    expect(await a.isAdmin(ask('U0ADMIN001', 'T0PARTNER1'))).toBe(false);
  });

  it('answers the Home with the workspace’s own bot token, and no for a workspace without one', async () => {
    const a = admins();
    expect(await a.viewerIsAdmin(TEAM, 'U0ADMIN001')).toBe(true);
    expect(await a.viewerIsAdmin(TEAM, 'U0MEMBER01')).toBe(false);
    expect(await a.viewerIsAdmin('T0GONE0001', 'U0ADMIN001')).toBe(false);
    expect(standin.callsTo('users.info').every((c) => c.ok)).toBe(true);
  });

  it('asks users.info and the installer once while fresh, so every Home publish costs no call', async () => {
    const a = admins();
    await a.isAdmin(ask('U0MEMBER01'));
    await a.isAdmin(ask('U0MEMBER01'));
    await a.viewerIsAdmin(TEAM, 'U0MEMBER01');
    expect(standin.callsTo('users.info')).toHaveLength(1);
    expect(a.installerReads()).toBe(1);
  });

  it('says it does not know, rather than yes, when Slack fails or is too slow', async () => {
    standin.failNext('users.info', { error: 'fatal_error' });
    expect(await admins().isAdmin(ask('U0ADMIN001'))).toBeNull();
    standin.failNext('users.info', { delayMs: 400 });
    const started = Date.now();
    expect(await admins({ deadlineMs: 100 }).isAdmin(ask('U0OWNER001'))).toBeNull();
    expect(Date.now() - started).toBeLessThan(350);
    standin.failNext('users.info', { error: 'fatal_error' });
    expect(await admins().viewerIsAdmin(TEAM, 'U0PRIMARY1')).toBe(false);
  });
});
