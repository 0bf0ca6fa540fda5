import type { ViewOutput } from '@slack/bolt';
import type { View } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { loadConfig } from '../../src/config';
import { cleanDemo, demoProblems, runDemo } from '../../src/demo/demo';
import { postSamples } from '../../src/demo/post-samples';
import { SAMPLE_REAUTH_FORM } from '../../src/domain/samples';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import type { RunningRelink } from '../../src/main';
import { ActionId, BlockId } from '../../src/slack/ids';
import { connect } from '../../src/store/database';
import { formValues, initialValues } from '../slack/listeners/harness';
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
import { viewOpenedAfter } from '../support/slack-views';

/*
 * `npm run demo` against the Slack and SendGrid stand-ins: the samples are posted through relink's own
 * publisher, marked as samples; the flow on one of them (form, preview, Send) sends one email to the
 * address given; `--clean` removes the messages and the records.
 */

jest.setTimeout(60_000);

const BOT_TOKEN = 'xoxb-demo-0123456789';
const SIGNING_SECRET = 'fedcba9876543210fedcba9876543210';
const CHANNEL = 'C0DEMO0042';
const TEAM = 'T0DEMO0001';
const ALICE = { userId: 'U0ALICE77', teamId: TEAM };
const EMAIL = 'me@sunny.example';
const dbName = uniqueDbName('demo');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('npm run demo', () => {
  const slack = createSlackStandin({ botToken: BOT_TOKEN, teamId: TEAM });
  const sendgrid = createSendgridStandin({ apiKey: 'SG.demo-key' });
  let config: ReturnType<typeof loadConfig>;
  let relink: RunningRelink | undefined;
  let direct: WebClient;

  beforeAll(async () => {
    const [s, g] = await Promise.all([slack.start(), sendgrid.start()]);
    direct = new WebClient(BOT_TOKEN, { slackApiUrl: s.apiUrl });
    config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${dbName}`,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALERT_CHANNEL: CHANNEL,
      SLACK_API_URL: s.apiUrl,
      SENDGRID_API_KEY: 'SG.demo-key',
      SENDGRID_FROM_EMAIL: 'support@sunny.example',
      SENDGRID_API_URL: g.url,
    });
  });
  afterAll(async () => {
    await relink?.stop();
    await Promise.all([slack.stop(), sendgrid.stop()]);
  });

  const topLevel = () => [...slack.messages(CHANNEL).values()].filter((m) => !m.threadTs);
  const interact = (payload: object) =>
    postToSlackEndpoint(
      `http://127.0.0.1:${relink?.port}/slack/events`,
      interactiveBody(payload),
      SIGNING_SECRET,
    );
  const submit = (view: ViewOutput, values: Parameters<typeof viewSubmissionPayload>[0]['values']) =>
    interact(
      viewSubmissionPayload({
        actor: ALICE,
        triggerId: slack.issueTriggerId({ userId: ALICE.userId, viewId: view.id }),
        view,
        values,
      }),
    );

  it('refuses to run without Slack, saying what to set', () => {
    expect(demoProblems(loadConfig({}))).toEqual([expect.stringContaining('Slack is not configured')]);
    expect(demoProblems(config)).toEqual([]);
  });

  it('posts the four samples through the publisher, each marked as a sample', async () => {
    relink = await runDemo(config, silentLog(), EMAIL, {
      processEvery: 200,
      jobIntervals: { sendRequests: '1 second' },
    });
    const posted = await eventually(
      () => topLevel().length >= 4 && topLevel(),
      'four sample messages',
      20_000,
    );
    await sleep(1_500);
    expect(topLevel()).toHaveLength(4);
    const texts = posted.map((m) => JSON.stringify(m.blocks));
    for (const name of ['Ada Lovelace', 'Grace Hopper', 'Hedy Lamarr', 'Katherine Johnson'])
      expect(texts.filter((t) => t.includes(`${name} (sample)`))).toHaveLength(1);
    for (const text of texts) expect(text).toContain('[Sample] PG&amp;E');
  });

  it('posts nothing twice when run again on the same database', async () => {
    const services = (relink as RunningRelink).services;
    const again = await postSamples(
      {
        authorizations: services.authorizations,
        workspaceId: SINGLE_WORKSPACE_ID,
        warningDays: [30, 7, 1],
        clock: () => new Date(),
      },
      EMAIL,
    );
    expect(again).toBe(0);
    await sleep(1_200);
    expect(topLevel()).toHaveLength(4);
  });

  it('sends one email to the given address from the sample flow: form, preview, Send', async () => {
    const notice = topLevel().find((m) => JSON.stringify(m.blocks).includes('Ada Lovelace')) as PostedMessage;
    const opened = slack.callsTo('views.open').length;
    await interact(
      blockActionsPayload({
        actor: ALICE,
        triggerId: slack.issueTriggerId({ userId: ALICE.userId }),
        actionId: ActionId.askReauth,
        source: { message: notice },
      }),
    );
    const formId = await viewOpenedAfter(slack, opened);
    const form = slack.views.byId.get(formId)?.output as ViewOutput;
    expect(initialValues(form)).toMatchObject({
      [BlockId.customerName]: 'Ada Lovelace (sample)',
      [BlockId.customerEmail]: EMAIL,
      [BlockId.utility]: '[Sample] PG&E',
    });
    const answer = await submit(
      form,
      formValues({ name: 'Ada Lovelace (sample)', email: EMAIL, utility: '[Sample] PG&E' }),
    );
    const json = answer.json as { response_action?: string; view?: View };
    expect(json.response_action).toBe('update');
    await direct.views.update({ view_id: formId, view: json.view as View });
    expect((await submit(slack.views.byId.get(formId)?.output as ViewOutput, {})).status).toBe(200);

    const [email] = await eventually(
      () => sendgrid.messages.length > 0 && sendgrid.messages,
      'the email',
      20_000,
    );
    await sleep(1_500);
    expect(sendgrid.messages).toHaveLength(1);
    expect(email?.to).toEqual([EMAIL]);
    expect(email?.subject).toContain('[Sample]');
    expect(email?.text).toContain(SAMPLE_REAUTH_FORM.url);
    await eventually(
      () => [...slack.messages(CHANNEL).values()].some((m) => m.threadTs === notice.ts),
      'the reply in the notice thread',
    );
  });

  it('--clean removes the samples: their Slack messages and their records', async () => {
    await relink?.stop();
    relink = undefined;
    expect(slack.messages(CHANNEL).size).toBeGreaterThan(4);

    const report = await cleanDemo(config, silentLog());
    expect(report).toMatchObject({ authorizations: 4, messagesLeft: 0 });
    expect(slack.messages(CHANNEL).size).toBe(0);
    const connection = await connect(testDatabaseUri(), dbName);
    try {
      for (const collection of [
        'authorizations',
        'authorization_keys',
        'notices',
        'outbox',
        'reauth_requests',
      ])
        expect(await connection.collection(collection).countDocuments()).toBe(0);
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  });
});
