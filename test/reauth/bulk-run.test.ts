import { loadConfig } from '../../src/config';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { type RunningRelink, startRelink } from '../../src/main';
import { bulkDraftOf } from '../../src/reauth/bulk-draft';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { observedEvent } from '../support/events';
import { eventually } from '../support/eventually';
import { createSendgridStandin } from '../support/sendgrid-standin';
import { silentLog } from '../support/silent-log';
import { createSlackStandin } from '../support/slack-standin';
import { createUtilityApiStandIn, utilityApiTime } from '../support/utilityapi-standin';

/*
 * A bulk ask cut short by a stop (issue 13): Send claimed it and queued a few customers, then relink
 * stopped. The next start queues the rest on, with the same keys, so each customer gets exactly one
 * email and the ask reaches its outcome, summed up once in the channel; nobody has to press Send again
 * (which changes nothing).
 */

const BOT_TOKEN = 'xoxb-test-bulk-resume-0123';
const TEAM = 'T0RESUME13';
const ASKER = { userId: 'U0RESUME13', teamId: TEAM };
const CUSTOMERS = 12;
const QUEUED_BEFORE_STOP = 4;

describe('a bulk ask interrupted by a stop', () => {
  const slack = createSlackStandin({ botToken: BOT_TOKEN, teamId: TEAM });
  const sendgrid = createSendgridStandin({ apiKey: 'SG.resume-key' });
  // Each email carries its own link: a UtilityAPI form made for the request.
  const utilityapi = createUtilityApiStandIn({ token: 'ua-resume-token' });
  let relink: RunningRelink | null = null;
  let configOf: () => ReturnType<typeof loadConfig>;

  beforeAll(async () => {
    const [s, g, u] = await Promise.all([slack.start(), sendgrid.start(), utilityapi.start()]);
    const uri = `${testDatabaseUri()}${uniqueDbName('bulk-resume')}`;
    configOf = () =>
      loadConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        MONGODB_URI: uri,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
        SLACK_ALERT_CHANNEL: 'C0RESUME13',
        SLACK_API_URL: s.apiUrl,
        SENDGRID_API_KEY: 'SG.resume-key',
        SENDGRID_FROM_EMAIL: 'support@sunny.example',
        SENDGRID_FROM_NAME: 'Sunny Solar',
        SENDGRID_API_URL: g.url,
        UTILITYAPI_TOKEN: 'ua-resume-token',
        UTILITYAPI_URL: u.url,
      });
  });

  afterAll(async () => {
    await relink?.stop();
    await Promise.all([slack.stop(), sendgrid.stop(), utilityapi.stop()]);
  });

  it('is queued on at the next start: every customer asked, none twice', async () => {
    relink = await startRelink(configOf(), silentLog());
    const { authorizations, bulk, reauth, worklist } = relink.services;
    for (let i = 0; i < CUSTOMERS; i++) {
      const now = new Date();
      const customer = { name: `Rhea Resume ${i}`, email: `rhea.resume.${i}@example.com` };
      // The platform holds the same bad login, so its reconcile at each start agrees with it.
      const { uid } = utilityapi.upsertAuthorization({
        customer_email: customer.email,
        customer_signature: { type: 'text', ts: utilityApiTime(now), full_name: customer.name },
        notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: utilityApiTime(now) }],
      });
      await authorizations.applyByKey(
        { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', externalId: uid },
        {
          event: observedEvent('bad_login', now),
          customer: { ...customer, utility: 'PG&E' },
          actor: 'platform',
          now,
        },
      );
    }
    await bulk.select(
      SINGLE_WORKSPACE_ID,
      ASKER.userId,
      { tab: 'bad_logins', search: null },
      { kind: 'all' },
    );
    const plan = await bulk.prepare(SINGLE_WORKSPACE_ID, ASKER);
    expect(plan.asked).toHaveLength(CUSTOMERS);
    const started = await bulk.start({
      workspaceId: SINGLE_WORKSPACE_ID,
      bulkId: plan.planId,
      requestedBy: ASKER,
      note: null,
    });
    expect(started.started).toBe(true);
    // Send's queuing got this far (the run's own key for each) before the process stopped.
    const entries = await worklist.entries(
      SINGLE_WORKSPACE_ID,
      plan.asked.map((t) => t.authorizationId),
    );
    for (const target of plan.asked.slice(0, QUEUED_BEFORE_STOP)) {
      const entry = entries.get(target.authorizationId);
      if (!entry) throw new Error('the plan names an authorization the worklist lacks');
      await reauth.requestSend({
        workspaceId: SINGLE_WORKSPACE_ID,
        authorizationId: target.authorizationId,
        draft: bulkDraftOf(entry, null),
        problem: { state: entry.state, reason: entry.reason },
        requestedBy: ASKER,
        idempotencyKey: `bulk:${plan.planId}:${target.authorizationId}`,
      });
    }
    await relink.stop();
    relink = null;

    relink = await startRelink(configOf(), silentLog(), { processEvery: 200 });
    const restarted = relink.services.bulk;
    const progress = await eventually(
      async () => {
        const p = await restarted.progress(SINGLE_WORKSPACE_ID, plan.planId);
        return p?.done ? p : false;
      },
      'the resumed bulk ask to finish',
      60_000,
    );
    expect(progress).toMatchObject({ total: CUSTOMERS, recorded: CUSTOMERS, sent: CUSTOMERS, failed: [] });
    const recipients = sendgrid.messages.flatMap((m) => m.to);
    expect(recipients).toHaveLength(CUSTOMERS);
    expect(new Set(recipients).size).toBe(CUSTOMERS);
    // Nobody who clicked Send is following it any more: the restarted relink posts its one summary.
    const summaries = () =>
      [...slack.messages('C0RESUME13').values()].filter((m) =>
        m.text?.includes(`asked ${CUSTOMERS} customers to reauthorize`),
      );
    const [summary] = await eventually(
      () => (summaries().length > 0 ? summaries() : undefined),
      'the bulk summary',
      15_000,
    );
    expect(summary?.text).toContain(`${CUSTOMERS} emails sent, 0 failed`);
    // Pressing Send again still changes nothing.
    const again = await restarted.start({
      workspaceId: SINGLE_WORKSPACE_ID,
      bulkId: plan.planId,
      requestedBy: ASKER,
      note: null,
    });
    expect(again.started).toBe(false);
  }, 120_000);
});
