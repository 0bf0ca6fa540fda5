import type { ViewOutput, ViewStateValue } from '@slack/bolt';
import type { View } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { loadConfig } from '../../src/config';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { type RunningRelink, startRelink } from '../../src/main';
import { ActionId, BlockId, CallbackId } from '../../src/slack/ids';
import { formValues, initialValues, viewText } from '../slack/listeners/harness';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { eventually } from '../support/eventually';
import { createSendgridStandin } from '../support/sendgrid-standin';
import { silentLog } from '../support/silent-log';
import {
  blockActionsPayload,
  interactiveBody,
  postToSlackEndpoint,
  viewSubmissionPayload,
} from '../support/slack-signing';
import { createSlackStandin, type PostedMessage } from '../support/slack-standin';
import { createUtilityApiStandIn, utilityApiTime } from '../support/utilityapi-standin';

/*
 * What SendGrid's Event Webhook tells relink after an email went out, end to end: a bounce turns the
 * notice into "Fix the email and send again", whose form flags the address, and a spam report keeps
 * relink from ever emailing that address on its own. Real relink over HTTP; SendGrid's events are
 * signed by the stand-in as SendGrid signs them.
 */

const BOT_TOKEN = 'xoxb-bounces-0123456789';
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const CHANNEL = 'C0ALERTS42';
const TEAM = 'T0BOUNCE01';
const ALICE = { userId: 'U0ALICE42', teamId: TEAM };
const UA_SECRET = 'ua-webhook-secret';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bounces and spam reports, end to end', () => {
  const slack = createSlackStandin({ botToken: BOT_TOKEN, teamId: TEAM });
  const sendgrid = createSendgridStandin({ apiKey: 'SG.bounces-key' });
  const utilityapi = createUtilityApiStandIn({ token: 'ua-token' });
  let relink: RunningRelink;
  let base: string;
  let direct: WebClient;
  let n = 0;

  beforeAll(async () => {
    const [s, g, u] = await Promise.all([slack.start(), sendgrid.start(), utilityapi.start()]);
    direct = new WebClient(BOT_TOKEN, { slackApiUrl: s.apiUrl });
    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('e2e-bounces')}`,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALERT_CHANNEL: CHANNEL,
      SLACK_API_URL: s.apiUrl,
      SENDGRID_API_KEY: 'SG.bounces-key',
      SENDGRID_FROM_EMAIL: 'support@sunny.example',
      SENDGRID_FROM_NAME: 'Sunny Solar',
      SENDGRID_API_URL: g.url,
      SENDGRID_WEBHOOK_PUBLIC_KEY: sendgrid.eventWebhookPublicKey,
      UTILITYAPI_TOKEN: 'ua-token',
      UTILITYAPI_URL: u.url,
      UTILITYAPI_WEBHOOK_SECRET: UA_SECRET,
    });
    relink = await startRelink(config, silentLog(), { processEvery: 200 });
    base = `http://127.0.0.1:${relink.port}`;
    sendgrid.setEventWebhook({ url: `${base}/webhooks/sendgrid` });
  });
  afterAll(async () => {
    await relink.stop();
    await Promise.all([slack.stop(), sendgrid.stop(), utilityapi.stop()]);
  });

  const interact = (payload: object) =>
    postToSlackEndpoint(`${base}/slack/events`, interactiveBody(payload), SIGNING_SECRET);
  const openView = (viewId: string): ViewOutput => {
    const stored = slack.views.byId.get(viewId);
    if (!stored) throw new Error(`no view ${viewId}`);
    return stored.output;
  };
  const submit = (view: ViewOutput, values: Record<string, Record<string, ViewStateValue>>) =>
    interact(
      viewSubmissionPayload({
        actor: ALICE,
        triggerId: slack.issueTriggerId({ userId: ALICE.userId, viewId: view.id }),
        view,
        values,
      }),
    );
  /** Does what Slack does with `response_action: 'update'`. */
  const applyUpdate = async (viewId: string, answer: { json?: unknown }) => {
    const json = answer.json as { response_action?: string; view?: View };
    expect(json?.response_action).toBe('update');
    await direct.views.update({ view_id: viewId, view: json.view as View });
    return openView(viewId);
  };
  const noticeNow = (notice: PostedMessage) => JSON.stringify(slack.messages(CHANNEL).get(notice.ts)?.blocks);
  const thread = (notice: PostedMessage) =>
    [...slack.messages(CHANNEL).values()].filter((m) => m.threadTs === notice.ts);
  const emailsTo = (email: string) => sendgrid.messages.filter((m) => m.to.includes(email));

  /** Alice opens relink's App Home (the event Slack posts): the text of the Home relink published. */
  async function homeText(): Promise<string> {
    const before = slack.callsTo('views.publish').length;
    const event = {
      token: 'deprecated-verification-token',
      team_id: TEAM,
      api_app_id: 'A0RELINKAPP',
      type: 'event_callback',
      event_id: `Ev${++n}HOME`,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user: ALICE.userId, channel: 'D0RELINK43', tab: 'home' },
    };
    const body = JSON.stringify(event);
    expect(
      (await postToSlackEndpoint(`${base}/slack/events`, body, SIGNING_SECRET, 'application/json')).status,
    ).toBe(200);
    await eventually(
      () => slack.callsTo('views.publish').find((c, i) => i >= before && c.ok),
      'views.publish',
    );
    return viewText(slack.views.homeByUser.get(ALICE.userId)?.output ?? { blocks: [] });
  }

  /** UtilityAPI reports a bad login; the notice, once posted, and the authorization's id. */
  async function badLogin(name: string, email: string) {
    const ts = utilityApiTime(new Date());
    const platform = utilityapi.upsertAuthorization({
      customer_email: email,
      customer_signature: { type: 'text', ts, full_name: name },
      notes: [{ type: 'access_invalid', msg: 'Invalid login', ts }],
    });
    const status = await utilityapi.deliverWebhook({
      url: `${base}/webhooks/utilityapi`,
      secret: UA_SECRET,
      events: [
        {
          uid: `bounces-${++n}`,
          type: 'authorization_update_finished_errored',
          authorization_uid: platform.uid,
        },
      ],
    });
    expect(status).toBe(200);
    const notice = await eventually(
      () =>
        [...slack.messages(CHANNEL).values()].find(
          (m) => !m.threadTs && JSON.stringify(m.blocks).includes(name),
        ),
      `the notice for ${name}`,
    );
    const key = { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi' as const, externalId: platform.uid };
    const authorization = await relink.services.authorizations.findByKey(key);
    return { notice, authorizationId: authorization?._id.toHexString() ?? '' };
  }

  /** Alice clicks the notice's button: the form as Slack opened it. */
  async function openForm(notice: PostedMessage): Promise<ViewOutput> {
    const opened = slack.callsTo('views.open').length;
    const triggerId = slack.issueTriggerId({ userId: ALICE.userId });
    const message = slack.messages(CHANNEL).get(notice.ts) ?? notice;
    await interact(
      blockActionsPayload({ actor: ALICE, triggerId, actionId: ActionId.askReauth, source: { message } }),
    );
    const call = await eventually(
      () =>
        slack
          .callsTo('views.open')
          .slice(opened)
          .find((c) => c.ok),
      'the form',
    );
    return openView((call.response as { view: { id: string } }).view.id);
  }

  /** Fills the form in, previews, presses Send: resolves once the email to `customer.email` is out. */
  async function ask(form: ViewOutput, customer: { name: string; email: string; sendAnyway?: boolean }) {
    const before = emailsTo(customer.email).length;
    const preview = await applyUpdate(
      form.id,
      await submit(form, formValues({ ...customer, utility: 'PG&E' })),
    );
    expect(preview.callback_id).toBe(CallbackId.reauthPreview);
    expect((await submit(preview, {})).json).toMatchObject({ response_action: 'update' });
    return eventually(() => emailsTo(customer.email)[before], `the email to ${customer.email}`);
  }

  it('a bounce leads to the flagged form, then one new email to the corrected address', async () => {
    const typo = 'bea.bounce@exmaple.com';
    const fixed = 'bea.bounce@example.com';
    const { notice } = await badLogin('Bea Bounce', typo);
    const first = await ask(await openForm(notice), { name: 'Bea Bounce', email: typo });

    expect(await sendgrid.postEvent('bounce', first)).toBe(200);

    await eventually(
      () => noticeNow(notice).includes('Fix the email and send again') || undefined,
      'the fix button',
    );
    expect(noticeNow(notice)).toContain('The reauthorization email bounced');
    expect(noticeNow(notice)).not.toContain(typo);
    await eventually(
      () =>
        thread(notice).find((m) => JSON.stringify(m).includes("relink won't send to it again on its own")),
      'the bounce reply',
    );

    // The Home says it too, with the same button.
    const home = await homeText();
    expect(home).toContain('Email bounced');
    expect(home).toContain('Fix the email and send again');

    const form = await openForm(notice);
    expect(initialValues(form)[BlockId.customerEmail]).toBe(typo);
    expect(viewText(form)).toContain('The last email to this address bounced');

    const second = await ask(form, { name: 'Bea Bounce', email: fixed });
    expect(second.to).toContain(fixed);
    await sleep(1_000);
    expect(emailsTo(fixed)).toHaveLength(1);
    // Nothing went to the address that bounced again.
    expect(emailsTo(typo)).toHaveLength(1);
    await eventually(
      () => (noticeNow(notice).includes('Fix the email') ? undefined : true),
      'the notice to move on',
    );
  });

  it('a spam report blocks automatic email to that address; Send anyway sends exactly one, audited', async () => {
    const email = 'sam.spam@example.com';
    const { notice, authorizationId } = await badLogin('Sam Spam', email);
    const first = await ask(await openForm(notice), { name: 'Sam Spam', email });

    expect(await sendgrid.postEvent('spamreport', first)).toBe(200);

    await eventually(() => noticeNow(notice).includes('marked our email as spam') || undefined, 'the notice');
    await eventually(
      () => thread(notice).find((m) => JSON.stringify(m).includes('The customer marked our email as spam')),
      'the spam reply',
    );
    const automatic = await relink.services.reauth.emailEligibility({
      workspaceId: SINGLE_WORKSPACE_ID,
      authorizationId,
      email: 'Sam.Spam@Example.com',
      sender: 'automatic',
      override: true,
    });
    expect(automatic).toMatchObject({ allowed: false, because: 'suppressed' });

    expect(await homeText()).toContain('This customer marked our email as spam');

    // A person is warned in the form and must tick Send anyway.
    const form = await openForm(notice);
    expect(viewText(form)).toContain('This customer marked our email as spam');
    const refused = await submit(
      form,
      formValues({ name: 'Sam Spam', email, utility: 'PG&E', sendAnyway: false }),
    );
    expect(refused.json).toMatchObject({
      response_action: 'errors',
      errors: { [BlockId.sendAnyway]: expect.any(String) },
    });
    expect(emailsTo(email)).toHaveLength(1);

    await ask(form, { name: 'Sam Spam', email, sendAnyway: true });
    await sleep(1_000);
    expect(emailsTo(email)).toHaveLength(2);
    const history = await relink.services.authorizations.history(authorizationId);
    const overrides = history.filter((e) => e.action === 'request.created_despite_suppression');
    expect(overrides).toHaveLength(1);
    expect(overrides[0]?.actor).toContain(ALICE.userId);
  });
});
