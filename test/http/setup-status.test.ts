import { createSetupStatus, type SetupStatusDeps } from '../../src/http/setup-status';
import { createUtilityApiClient } from '../../src/platforms/utilityapi/client';
import { createSendgridStandin } from '../support/sendgrid-standin';
import { silentLog } from '../support/silent-log';
import { createSlackStandin } from '../support/slack-standin';
import { createUtilityApiStandIn } from '../support/utilityapi-standin';

const log = silentLog();
const BOT_TOKEN = 'xoxb-setup-status-0123456789';
const SENDGRID_KEY = 'SG.setup-status-key';
const FROM = 'alerts@relink.example.com';

describe('the setup status, checked against the platforms', () => {
  const slack = createSlackStandin({
    botToken: BOT_TOKEN,
    teamId: 'T0STATUS01',
    channels: [{ id: 'C0ALERTS01', name: 'utility-alerts' }],
  });
  const sendgrid = createSendgridStandin({
    apiKey: SENDGRID_KEY,
    senders: [{ email: FROM, verified: false }],
  });
  const restricted = createSendgridStandin({ apiKey: SENDGRID_KEY, canReadSenders: false });
  const utilityapi = createUtilityApiStandIn({ token: 'ua-good-token' });
  const urls = { slack: '', sendgrid: '', restricted: '', utilityapi: '' };

  beforeAll(async () => {
    urls.slack = (await slack.start()).apiUrl;
    urls.sendgrid = (await sendgrid.start()).url;
    urls.restricted = (await restricted.start()).url;
    urls.utilityapi = (await utilityapi.start()).url;
  });
  afterAll(() => Promise.all([slack.stop(), sendgrid.stop(), restricted.stop(), utilityapi.stop()]));

  const statusWith = (overrides: {
    botToken?: string;
    channel?: string | null;
    sendgridUrl?: string;
    sendgridKey?: string;
    uaToken?: string;
  }) => {
    const deps: SetupStatusDeps = {
      publicUrl: null,
      slack: {
        configured: true,
        transport: 'http',
        oauth: false,
        apiUrl: urls.slack,
        connected: () => false,
        workspaces: async () => [
          {
            name: null,
            botToken: overrides.botToken ?? BOT_TOKEN,
            channel: overrides.channel ?? 'C0ALERTS01',
          },
        ],
      },
      utilityapi: {
        accounts: async () => [
          {
            workspaceId: 'w1',
            client: createUtilityApiClient({
              baseUrl: urls.utilityapi,
              token: overrides.uaToken ?? 'ua-good-token',
              log,
            }),
          },
        ],
        singleWebhook: true,
        webhookSecretSet: false,
        lastReconcileAt: () => null,
        lastWebhookAt: () => null,
      },
      sendgrid: {
        apiUrl: overrides.sendgridUrl ?? urls.sendgrid,
        apiKey: overrides.sendgridKey ?? SENDGRID_KEY,
        fromEmail: FROM,
        signedEvents: false,
        lastEventAt: () => null,
      },
      deadLetters: () => ({ parkedNotices: null, poisonedEvents: null }),
      log,
    };
    return createSetupStatus(deps)();
  };

  it('finds working credentials, the channel with the bot in it, and an unverified sender', async () => {
    const status = await statusWith({});
    expect(status.slack).toMatchObject({
      configured: true,
      workspaces: [
        {
          name: 'relink test',
          token: 'valid',
          channel: { id: 'C0ALERTS01', name: 'utility-alerts', botIsMember: true, error: null },
        },
      ],
    });
    expect(status.utilityapi.accounts).toEqual([{ workspaceId: 'w1', token: 'valid' }]);
    expect(status.sendgrid).toMatchObject({ key: 'valid', sender: { email: FROM, state: 'unverified' } });
  });

  it('says which credential was refused, and a channel Slack does not know', async () => {
    const status = await statusWith({ channel: 'C0NOSUCH01' });
    expect(status.slack).toMatchObject({
      workspaces: [{ channel: { id: 'C0NOSUCH01', botIsMember: null, error: 'channel_not_found' } }],
    });
    const refused = await statusWith({
      botToken: 'xoxb-wrong',
      sendgridKey: 'SG.wrong',
      uaToken: 'ua-wrong-token',
    });
    expect(refused.slack).toMatchObject({ workspaces: [{ token: 'invalid', channel: null }] });
    expect(refused.utilityapi.accounts).toEqual([{ workspaceId: 'w1', token: 'invalid' }]);
    expect(refused.sendgrid).toMatchObject({ key: 'invalid', sender: { state: 'cannot_tell' } });
  });

  it('cannot tell about the sender when the key may only send, and says so when SendGrid is down', async () => {
    const restrictedKey = await statusWith({ sendgridUrl: urls.restricted });
    expect(restrictedKey.sendgrid).toMatchObject({ key: 'valid', sender: { state: 'cannot_tell' } });
    sendgrid.setDown(true);
    try {
      const down = await statusWith({});
      expect(down.sendgrid).toMatchObject({ key: 'unreachable', sender: { state: 'cannot_tell' } });
    } finally {
      sendgrid.setDown(false);
    }
  });
});
