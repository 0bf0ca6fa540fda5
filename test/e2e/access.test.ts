import { randomBytes } from 'node:crypto';
import type { ViewOutput } from '@slack/bolt';
import type { View } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { loadConfig } from '../../src/config';
import { type RunningRelink, startRelink } from '../../src/main';
import { ActionId, CallbackId, Command, keyedActionId } from '../../src/slack/ids';
import { SLACK_CONTRACT } from '../../src/slack/manifest-contract';
import type { RefusalDocument } from '../../src/store/refusals';
import { formValues } from '../slack/listeners/harness';
import { allText } from '../support/block-kit';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { eventually } from '../support/eventually';
import { createSendgridStandin } from '../support/sendgrid-standin';
import { silentLog } from '../support/silent-log';
import {
  blockActionsPayload,
  interactiveBody,
  postToSlackEndpoint,
  type SlackActor,
  slashCommandBody,
  viewSubmissionPayload,
} from '../support/slack-signing';
import { createSlackStandin, type PostedMessage } from '../support/slack-standin';
import { createUtilityApiStandIn, utilityApiTime } from '../support/utilityapi-standin';

/*
 * "Who may act", end to end: relink started as `npm start` would, learning its team from auth.test, a
 * real notice from a UtilityAPI webhook, and two people who may not act (a single-channel guest, and
 * someone from another company in the shared alert channel) trying the button, `/reauth`, the App Home
 * and a modal someone else opened. Each is refused with who can help; nobody sees the customer's email
 * and SendGrid receives nothing.
 */

const BOT_TOKEN = 'xoxb-e2e-access-0123456789';
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const CHANNEL = 'C0ALERTS44';
const TEAM = 'T0E2E0044';
const OTHER_ORG = 'T0PARTNER1';
const EMAIL = 'grace@example.com';
const UA_SECRET = 'ua-webhook-secret';

const alice: SlackActor = { userId: 'U0ALICE44', teamId: TEAM };
const guest: SlackActor = { userId: 'U0GUEST44', teamId: TEAM };
const partner: SlackActor = { userId: 'U0PARTNR44', teamId: TEAM };

describe('who may act, end to end', () => {
  const slack = createSlackStandin({
    botToken: BOT_TOKEN,
    teamId: TEAM,
    scopes: SLACK_CONTRACT.scopes,
    users: [
      { id: alice.userId },
      { id: guest.userId, isUltraRestricted: true },
      { id: partner.userId, teamId: OTHER_ORG, isStranger: true },
    ],
  });
  const sendgrid = createSendgridStandin({ apiKey: 'SG.e2e-key' });
  const utilityapi = createUtilityApiStandIn({ token: 'ua-token' });
  let relink: RunningRelink;
  let endpoint: string;
  let direct: WebClient;

  beforeAll(async () => {
    const [s, g, u] = await Promise.all([slack.start(), sendgrid.start(), utilityapi.start()]);
    direct = new WebClient(BOT_TOKEN, { slackApiUrl: s.apiUrl });
    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('e2e_access')}`,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALERT_CHANNEL: CHANNEL,
      SLACK_API_URL: s.apiUrl,
      SENDGRID_API_KEY: 'SG.e2e-key',
      SENDGRID_FROM_EMAIL: 'support@sunny.example',
      SENDGRID_FROM_NAME: 'Sunny Solar',
      SENDGRID_API_URL: g.url,
      UTILITYAPI_TOKEN: 'ua-token',
      UTILITYAPI_URL: u.url,
      UTILITYAPI_WEBHOOK_SECRET: UA_SECRET,
    });
    relink = await startRelink(config, silentLog(), { processEvery: 200 });
    endpoint = `http://127.0.0.1:${relink.port}/slack/events`;
  });
  afterAll(async () => {
    await relink.stop();
    await Promise.all([slack.stop(), sendgrid.stop(), utilityapi.stop()]);
  });

  // In the shared channel the payload's team is this workspace; the partner's own team is theirs.
  const asSentBy = (actor: SlackActor, payload: { user: object }) =>
    actor === partner ? { ...payload, user: { ...payload.user, team_id: OTHER_ORG } } : payload;
  const click = (
    actor: SlackActor,
    source: { message: PostedMessage } | { view: ViewOutput },
    actionId: string,
  ) => {
    const viewId = 'view' in source ? source.view.id : undefined;
    const triggerId = slack.issueTriggerId({ userId: actor.userId, ...(viewId ? { viewId } : {}) });
    const payload = blockActionsPayload({ actor, triggerId, actionId, source });
    return postToSlackEndpoint(endpoint, interactiveBody(asSentBy(actor, payload)), SIGNING_SECRET);
  };
  const submit = (
    actor: SlackActor,
    view: ViewOutput,
    values: Parameters<typeof viewSubmissionPayload>[0]['values'],
  ) => {
    const triggerId = slack.issueTriggerId({ userId: actor.userId, viewId: view.id });
    const payload = viewSubmissionPayload({ actor, triggerId, view, values });
    return postToSlackEndpoint(endpoint, interactiveBody(asSentBy(actor, payload)), SIGNING_SECRET);
  };
  const command = (actor: SlackActor, text: string) =>
    postToSlackEndpoint(
      endpoint,
      slashCommandBody({
        actor,
        command: Command.reauth,
        text,
        channelId: CHANNEL,
        triggerId: slack.issueTriggerId({ userId: actor.userId }),
        responseUrl: 'http://127.0.0.1:9/never-called',
      }),
      SIGNING_SECRET,
    );
  const openHome = (actor: SlackActor) =>
    postToSlackEndpoint(
      endpoint,
      JSON.stringify({
        token: 'deprecated-verification-token',
        team_id: TEAM,
        api_app_id: 'A0RELINKAPP',
        type: 'event_callback',
        event_id: `Ev${randomBytes(8).toString('hex').toUpperCase()}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ enterprise_id: null, team_id: TEAM, user_id: 'U0RELINKBOT', is_bot: true }],
        event: {
          type: 'app_home_opened',
          user: actor.userId,
          channel: 'D0RELINK44',
          tab: 'home',
          event_ts: '1.1',
        },
      }),
      SIGNING_SECRET,
      'application/json',
    );
  const openedView = async (from: number): Promise<ViewOutput> => {
    const call = await eventually(
      () => slack.calls.slice(from).find((c) => c.method === 'views.open' && c.ok),
      'views.open',
    );
    const id = (call.response as { view: { id: string } }).view.id;
    const stored = slack.views.byId.get(id);
    if (!stored) throw new Error(`no view ${id}`);
    return stored.output;
  };
  const refusals = () =>
    relink.services.models.AuditEvent.db
      .collection<RefusalDocument>('audit_events')
      .find({ action: 'access.refused' })
      .toArray();

  it('refuses a guest and a Slack Connect partner everywhere, shows them no email and sends nothing', async () => {
    const platform = utilityapi.upsertAuthorization({
      customer_email: EMAIL,
      customer_signature: { type: 'text', ts: utilityApiTime(new Date()), full_name: 'Grace Hopper' },
      notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: utilityApiTime(new Date()) }],
    });
    const delivered = await utilityapi.deliverWebhook({
      url: `http://127.0.0.1:${relink.port}/webhooks/utilityapi`,
      secret: UA_SECRET,
      events: [
        {
          uid: 'e2e-access-1',
          type: 'authorization_update_finished_errored',
          authorization_uid: platform.uid,
        },
      ],
    });
    expect(delivered).toBe(200);
    const notice = await eventually(
      () =>
        [...slack.messages(CHANNEL).values()].find((m) => JSON.stringify(m.blocks).includes('Grace Hopper')),
      'the notice',
    );

    // Alice may act: her Home is the worklist, and she opens the form and its preview.
    expect((await openHome(alice)).status).toBe(200);
    const aliceHome = await eventually(
      () => slack.views.homeByUser.get(alice.userId)?.output,
      'Alice’s Home',
    );
    let from = slack.calls.length;
    await click(alice, { message: notice }, ActionId.askReauth);
    const form = await openedView(from);
    expect(form.callback_id).toBe(CallbackId.reauthForm);
    const previewAnswer = await submit(
      alice,
      form,
      formValues({ name: 'Grace Hopper', email: EMAIL, utility: 'PG&E' }),
    );
    await direct.views.update({ view_id: form.id, view: (previewAnswer.json as { view: View }).view });
    const preview = slack.views.byId.get(form.id)?.output;
    if (!preview) throw new Error('no preview');

    for (const [person, why] of [
      [guest, 'Only full members of this workspace'],
      [partner, 'People from other organizations'],
    ] as const) {
      from = slack.calls.length;
      const answers = [
        await click(person, { message: notice }, ActionId.askReauth),
        await command(person, EMAIL),
        await openHome(person),
        await click(person, { view: aliceHome }, keyedActionId(ActionId.homeTab, 'all')),
        await submit(person, preview, {}),
      ];
      await eventually(() => slack.views.homeByUser.get(person.userId), 'the refusal Home');

      const shown = [
        ...slack.calls.slice(from).map((c) => JSON.stringify(c.args)),
        ...answers.map((a) => a.text),
      ].join('\n');
      expect(shown).not.toContain(EMAIL);
      const refusalsShown = slack.calls
        .slice(from)
        .filter((c) => c.method === 'views.open')
        .map((c) => c.args.view as { callback_id?: string; blocks?: unknown });
      expect(refusalsShown.map((v) => v.callback_id)).toEqual([
        CallbackId.accessRefused,
        CallbackId.accessRefused,
      ]);
      for (const view of refusalsShown)
        expect(allText(view.blocks)).toContain('Ask a full member of this workspace');
      expect(answers[1]?.json).toMatchObject({
        response_type: 'ephemeral',
        text: expect.stringContaining(why),
      });
      expect(allText(slack.views.homeByUser.get(person.userId)?.output.blocks)).toContain(why);
      expect(answers[4]?.json).toMatchObject({
        response_action: 'update',
        view: { callback_id: CallbackId.accessRefused },
      });

      // Each refusal is recorded just after it is answered.
      const attempted = [
        'block_actions:ask_reauth',
        'command:/reauth',
        'event:app_home_opened',
        `block_actions:${keyedActionId(ActionId.homeTab, 'all')}`,
        'view_submission:reauth_preview',
      ].sort();
      const theirs = await eventually(async () => {
        const recorded = (await refusals()).filter((r) => r.actor === `slack:${TEAM}/${person.userId}`);
        return recorded.length >= attempted.length ? recorded : undefined;
      }, 'the refusals in the audit trail');
      expect(theirs.map((r) => r.attempted).sort()).toEqual(attempted);
    }

    // Nothing was queued: give the send pipeline (every 200 ms) time to show otherwise.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(sendgrid.messages).toEqual([]);
  });
});
