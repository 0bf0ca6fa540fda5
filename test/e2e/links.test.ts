import { WebClient } from '@slack/web-api';
import { loadConfig } from '../../src/config';
import { type RunningRelink, startRelink } from '../../src/main';
import { viewText } from '../slack/listeners/harness';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { eventually } from '../support/eventually';
import { silentLog } from '../support/silent-log';
import { postToSlackEndpoint } from '../support/slack-signing';
import { createSlackStandin } from '../support/slack-standin';
import { appHomeOpenedEvent } from '../support/slack-views';
import { createUtilityApiStandIn, utilityApiTime } from '../support/utilityapi-standin';

/*
 * Issue 13, "Links", end to end through startRelink: a bad login reported by a signed UtilityAPI
 * webhook gets its notice; the App Home row then links to that notice (the permalink Slack gave) and,
 * with UTILITYAPI_DASHBOARD_URL set, to the authorization in the platform's dashboard.
 */
const BOT_TOKEN = 'xoxb-e2e-links-0123456789';
const SIGNING_SECRET = 'abcdef0123456789abcdef0123456789';
const TEAM = 'T0E2ELINK';
const USER = 'U0LINKS01';
const ALERTS = 'C0ALERTS77';
const UA_SECRET = 'ua-webhook-secret-links';

describe('links between notices, the App Home and the dashboard, end to end', () => {
  const slack = createSlackStandin({ botToken: BOT_TOKEN, teamId: TEAM });
  const utilityapi = createUtilityApiStandIn({ token: 'ua-token' });
  let relink: RunningRelink;
  let direct: WebClient;

  beforeAll(async () => {
    const [s, u] = await Promise.all([slack.start(), utilityapi.start()]);
    direct = new WebClient(BOT_TOKEN, { slackApiUrl: s.apiUrl });
    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('e2e-links')}`,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALERT_CHANNEL: ALERTS,
      SLACK_API_URL: s.apiUrl,
      UTILITYAPI_TOKEN: 'ua-token',
      UTILITYAPI_URL: u.url,
      UTILITYAPI_WEBHOOK_SECRET: UA_SECRET,
      UTILITYAPI_DASHBOARD_URL: 'https://dash.example.com/authorizations/{uid}',
      SLACK_APP_ID: 'A0RELINKLINKS',
    });
    relink = await startRelink(config, silentLog(), { processEvery: 200 });
  });
  afterAll(async () => {
    await relink?.stop();
    await Promise.all([slack.stop(), utilityapi.stop()]);
  });

  it('links the Home row to the posted notice and to the dashboard', async () => {
    const ago = utilityApiTime(new Date(Date.now() - 60_000));
    const jane = utilityapi.upsertAuthorization({
      customer_email: 'jane@example.com',
      customer_signature: { type: 'text', ts: ago, full_name: 'Jane Doe' },
      notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: ago }],
    });
    const status = await utilityapi.deliverWebhook({
      url: `http://127.0.0.1:${relink.port}/webhooks/utilityapi`,
      secret: UA_SECRET,
      events: [{ type: 'authorization_update_finished_errored', authorization_uid: jane.uid }],
    });
    expect(status).toBe(200);
    const notice = await eventually(
      () => [...slack.messages(ALERTS).values()].find((m) => m.threadTs === undefined),
      'the notice',
    );
    // Single workspace: the notice links back to the App Home of the token's team, learnt at start.
    expect(JSON.stringify(notice.blocks)).toContain(`slack://app?team=${TEAM}&id=A0RELINKLINKS&tab=home`);
    const { permalink } = await direct.chat.getPermalink({ channel: ALERTS, message_ts: notice.ts });
    expect(permalink).toMatch(new RegExp(`/archives/${ALERTS}/p\\d+$`));

    const url = `http://127.0.0.1:${relink.port}/slack/events`;
    const text = await eventually(async () => {
      const before = slack.callsTo('views.publish').length;
      const body = JSON.stringify(appHomeOpenedEvent(TEAM, USER));
      expect((await postToSlackEndpoint(url, body, SIGNING_SECRET, 'application/json')).status).toBe(200);
      const call = await eventually(
        () => slack.callsTo('views.publish').find((c, i) => i >= before && c.status !== 0),
        'views.publish',
      );
      expect(call.error).toBeUndefined();
      const home = slack.views.homeByUser.get(USER)?.output;
      const shown = home ? viewText(home) : '';
      return shown.includes('View the notice') ? shown : undefined;
    }, 'the Home row to link to its notice');
    expect(text).toContain(`<${permalink}|View the notice>`);
    expect(text).toContain(
      `<https://dash.example.com/authorizations/${jane.uid}|Open in the UtilityAPI dashboard>`,
    );
  });
});
