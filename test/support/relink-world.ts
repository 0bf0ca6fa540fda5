import type { ViewOutput, ViewStateValue } from '@slack/bolt';
import type { View } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { MongoClient } from 'mongodb';
import type { StartOptions } from '../../src/main';
import { ActionId, Command } from '../../src/slack/ids';
import { formValues } from '../slack/listeners/harness';
import { createResponseUrls } from '../slack/listeners/response-urls';
import { testDatabaseUri, uniqueDbName } from './database';
import { eventually } from './eventually';
import { createHoldingProxy } from './holding-proxy';
import { freePort, type RelinkProcess, startRelinkProcess } from './relink-process';
import { createSendgridStandin } from './sendgrid-standin';
import {
  blockActionsPayload,
  interactiveBody,
  postToSlackEndpoint,
  slashCommandBody,
  viewSubmissionPayload,
} from './slack-signing';
import { createSlackStandin, type PostedMessage } from './slack-standin';
import { appHomeOpenedEvent, viewOpenedAfter } from './slack-views';
import { createUtilityApiStandIn, utilityApiTime } from './utilityapi-standin';

const BOT_TOKEN = 'xoxb-world-0123456789';
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const SENDGRID_KEY = 'SG.world-key';
const UA_SECRET = 'ua-webhook-secret';
export const CHANNEL = 'C0ALERTS42';
const TEAM = 'T0WORLD001';
const ALICE = { userId: 'U0ALICE42', teamId: TEAM };

/**
 * Real relink processes and everything around them: the Slack, SendGrid and UtilityAPI stand-ins (the
 * platform behind a proxy that can hold a request), one database, and a person clicking in Slack.
 * Each process answers at a URL of its own that survives its restarts, as a deployment's does.
 */
export function relinkWorld(label: string, options: StartOptions) {
  const slack = createSlackStandin({ botToken: BOT_TOKEN, teamId: TEAM });
  const sendgrid = createSendgridStandin({ apiKey: SENDGRID_KEY });
  const utilityapi = createUtilityApiStandIn({ token: 'ua-token' });
  const platformProxy = { current: null as ReturnType<typeof createHoldingProxy> | null };
  // Where Slack would post a slash command's answer (its response_url).
  const responseUrls = createResponseUrls();
  let commands = 0;
  const database = `${testDatabaseUri()}${uniqueDbName(label)}`;
  let env: Record<string, string> = {};
  let direct: WebClient;
  let n = 0;

  const interact = (process: RelinkProcess, payload: object) =>
    postToSlackEndpoint(`${process.url}/slack/events`, interactiveBody(payload), SIGNING_SECRET);
  const openView = (viewId: string): ViewOutput => {
    const stored = slack.views.byId.get(viewId);
    if (!stored) throw new Error(`no view ${viewId}`);
    return stored.output;
  };
  const submit = (
    process: RelinkProcess,
    view: ViewOutput,
    values: Record<string, Record<string, ViewStateValue>>,
  ) =>
    interact(
      process,
      viewSubmissionPayload({
        actor: ALICE,
        triggerId: slack.issueTriggerId({ userId: ALICE.userId, viewId: view.id }),
        view,
        values,
      }),
    );
  const thread = (notice: PostedMessage) =>
    [...slack.messages(CHANNEL).values()].filter((m) => m.threadTs === notice.ts);

  const world = {
    slack,
    sendgrid,
    utilityapi,
    get platformProxy() {
      if (!platformProxy.current) throw new Error('relinkWorld: not started');
      return platformProxy.current;
    },
    async start() {
      const [s, g, u] = await Promise.all([slack.start(), sendgrid.start(), utilityapi.start()]);
      await responseUrls.start();
      direct = new WebClient(BOT_TOKEN, { slackApiUrl: s.apiUrl });
      platformProxy.current = createHoldingProxy(u.url);
      const platformUrl = await platformProxy.current.start();
      env = {
        MONGODB_URI: database,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_ALERT_CHANNEL: CHANNEL,
        SLACK_API_URL: s.apiUrl,
        SENDGRID_API_KEY: SENDGRID_KEY,
        SENDGRID_FROM_EMAIL: 'support@sunny.example',
        SENDGRID_FROM_NAME: 'Sunny Solar',
        SENDGRID_API_URL: g.url,
        SENDGRID_WEBHOOK_PUBLIC_KEY: sendgrid.eventWebhookPublicKey,
        UTILITYAPI_TOKEN: 'ua-token',
        UTILITYAPI_URL: platformUrl,
        UTILITYAPI_WEBHOOK_SECRET: UA_SECRET,
      };
    },
    async stop() {
      await Promise.all([
        slack.stop(),
        sendgrid.stop(),
        utilityapi.stop(),
        platformProxy.current?.stop(),
        responseUrls.stop(),
      ]);
    },

    /** A relink process on its own port; `start` it again after a kill for the same URL. */
    async newProcess() {
      const port = await freePort();
      return {
        port,
        start: () => startRelinkProcess({ ...env, PORT: String(port) }, options),
        eventsUrl: `http://127.0.0.1:${port}/webhooks/sendgrid`,
      };
    },

    /**
     * UtilityAPI reports a customer's bad login, the same event to each of `processes` (behind a load
     * balancer, each could get a delivery); resolves with the notice once posted.
     */
    async badLogin(processes: RelinkProcess | RelinkProcess[], name: string, email: string) {
      const ts = utilityApiTime(new Date());
      const platform = utilityapi.upsertAuthorization({
        customer_email: email,
        customer_signature: { type: 'text', ts, full_name: name },
        notes: [{ type: 'access_invalid', msg: 'Invalid login', ts }],
      });
      const uid = `evt-${++n}`;
      const type = 'authorization_update_finished_errored';
      const statuses = await Promise.all(
        [processes].flat().map((p) =>
          utilityapi.deliverWebhook({
            url: `${p.url}/webhooks/utilityapi`,
            secret: UA_SECRET,
            events: [{ uid, type, authorization_uid: platform.uid }],
          }),
        ),
      );
      if (statuses.some((status) => status !== 200)) throw new Error(`the webhook got ${statuses}`);
      return eventually(() => world.noticesFor(name)[0], `the notice for ${name}`, 30_000);
    },

    noticesFor: (name: string) =>
      [...slack.messages(CHANNEL).values()].filter(
        (m) => !m.threadTs && JSON.stringify(m.blocks).includes(name),
      ),

    /** Alice clicks the notice's button in `process`, and submits the form: the preview, ready to Send. */
    async preview(process: RelinkProcess, notice: PostedMessage, customer: { name: string; email: string }) {
      const opened = slack.callsTo('views.open').length;
      const triggerId = slack.issueTriggerId({ userId: ALICE.userId });
      await interact(
        process,
        blockActionsPayload({
          actor: ALICE,
          triggerId,
          actionId: ActionId.askReauth,
          source: { message: notice },
        }),
      );
      const formId = await viewOpenedAfter(slack, opened);
      const answer = await submit(process, openView(formId), formValues({ ...customer, utility: 'PG&E' }));
      const json = answer.json as { response_action?: string; view?: View };
      if (json?.response_action !== 'update') throw new Error(`the form answered ${answer.text}`);
      // What Slack does with `response_action: 'update'`.
      await direct.views.update({ view_id: formId, view: json.view as View });
      return openView(formId);
    },

    /** Alice presses Send on the preview, in `process`. */
    send: (process: RelinkProcess, preview: ViewOutput) => submit(process, preview, {}),

    /** Alice clicks the button `actionId` of a message, in `process`. */
    click: (process: RelinkProcess, message: PostedMessage, actionId: string) =>
      interact(
        process,
        blockActionsPayload({
          actor: ALICE,
          triggerId: slack.issueTriggerId({ userId: ALICE.userId }),
          actionId,
          source: { message },
        }),
      ),

    /** Alice opens relink's App Home, answered by `process`: the Home it published. */
    async openHome(process: RelinkProcess): Promise<ViewOutput> {
      const before = slack.callsTo('views.publish').length;
      const event = appHomeOpenedEvent(TEAM, ALICE.userId);
      const answer = await postToSlackEndpoint(
        `${process.url}/slack/events`,
        JSON.stringify(event),
        SIGNING_SECRET,
        'application/json',
      );
      if (answer.status !== 200) throw new Error(`app_home_opened got ${answer.status}`);
      const call = await eventually(
        () => slack.callsTo('views.publish').find((c, i) => i >= before && c.status !== 0),
        'views.publish',
      );
      if (call.error) throw new Error(`views.publish failed: ${call.error}`);
      const home = slack.views.homeByUser.get(ALICE.userId);
      if (!home) throw new Error('no Home published for Alice');
      return home.output;
    },

    /** Alice types `/reauth <text>`, answered by `process`: the answer posted to the response_url. */
    async reauth(process: RelinkProcess, text: string) {
      const key = `command-${++commands}`;
      const body = slashCommandBody({
        actor: ALICE,
        command: Command.reauth,
        text,
        channelId: CHANNEL,
        triggerId: slack.issueTriggerId({ userId: ALICE.userId }),
        responseUrl: responseUrls.url(key),
      });
      const answer = await postToSlackEndpoint(`${process.url}/slack/events`, body, SIGNING_SECRET);
      if (answer.status !== 200) throw new Error(`/reauth got ${answer.status}`);
      return eventually(() => responseUrls.posts.find((p) => p.key === key), `the answer to /reauth ${text}`);
    },

    thread,
    /** The reply in the notice's thread whose text includes `words`, once there. */
    replyWith: (notice: PostedMessage, words: string, ms = 60_000) =>
      eventually(
        () => thread(notice).find((m) => JSON.stringify(m).includes(words)),
        `a reply "${words}"`,
        ms,
      ),
    emailsTo: (email: string) => sendgrid.messages.filter((m) => m.to.includes(email)),

    /**
     * How many effects wait in the shared database's outbox: 0 once every post the processes made is
     * recorded as done (the publisher marks an entry only after it stored the post's ts).
     */
    async outboxPending(): Promise<number> {
      const client = await MongoClient.connect(database);
      try {
        return await client.db().collection('outbox').countDocuments({ publishedAt: null, parkedAt: null });
      } finally {
        await client.close();
      }
    },
  };
  return world;
}
