import { loadConfig } from '../../src/config';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { type RunningRelink, startRelink } from '../../src/main';
import { createSlackStandin } from '../../test/support/slack-standin';
import { createUtilityApiStandIn, utilityApiTime } from '../../test/support/utilityapi-standin';
import { callsPerSecond } from '../slack-calls';
import { dropDatabase, sleep, verdict } from '../support';
import { type BenchCase, type BenchContext, BenchFailure } from '../types';

/*
 * Issue 11's storm: `STORM` authorizations go bad within one minute (a utility outage), reported by
 * signed UtilityAPI webhooks, on the embedded database. Slack's stand-in refuses (429) any post faster
 * than one per second per channel. Measured: the time from the last webhook until every incident is
 * visible in Slack (named in a notice or counted in the digest) and on the Home, the Slack calls per
 * channel per second, and the 429s served. Checked against the database: no duplicate, no lost incident.
 */

const STORM = Math.max(50, Number(process.env.BENCH_STORM) || 5_000);
const SPREAD_MS = 60_000;
const BATCHES = 60;
const VISIBLE_TARGET_MS = 60_000;
const VISIBLE_TIMEOUT_MS = 30 * 60_000;

const BOT_TOKEN = 'xoxb-bench-storm-0123456789';
const CHANNEL = 'C0BENCHSTORM';
const UA_TOKEN = 'bench-storm-utilityapi-token';
const UA_SECRET = 'bench-storm-webhook-secret';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export const stormCase: BenchCase = {
  name: 'storm',
  async run(context: BenchContext) {
    const slack = createSlackStandin({ botToken: BOT_TOKEN, channelPostIntervalMs: 1000 });
    const utilityapi = createUtilityApiStandIn({ token: UA_TOKEN, rateLimitPerSecond: 1000 });
    const databaseUri = context.databaseUri('storm');
    let relink: RunningRelink | null = null;
    try {
      const [s, u] = await Promise.all([slack.start(), utilityapi.start()]);
      relink = await startRelink(
        loadConfig({
          PORT: '0',
          LOG_LEVEL: 'silent',
          MONGODB_URI: databaseUri,
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
          SLACK_ALERT_CHANNEL: CHANNEL,
          SLACK_API_URL: s.apiUrl,
          UTILITYAPI_TOKEN: UA_TOKEN,
          UTILITYAPI_URL: u.url,
          UTILITYAPI_WEBHOOK_SECRET: UA_SECRET,
        }),
        context.log,
        { soleWriter: true, jobIntervals: { reconcileUtilityApi: '1 hour' } },
      );
      const running = relink;
      // The account is empty when relink connects: its first sync completes at once.
      while (!(await running.services.syncStates.get(SINGLE_WORKSPACE_ID))?.completedAt) await sleep(100);

      process.stdout.write(`${STORM} authorizations go bad within ${SPREAD_MS / 1000} s\n`);
      const started = Date.now();
      const perBatch = Math.ceil(STORM / BATCHES);
      for (let batch = 0; batch < BATCHES; batch++) {
        const ts = utilityApiTime(new Date());
        const events = [];
        for (let i = batch * perBatch; i < Math.min(STORM, (batch + 1) * perBatch); i++) {
          const a = utilityapi.upsertAuthorization({
            customer_email: `storm.${i}@example.com`,
            customer_signature: { type: 'text', ts, full_name: `Storm Customer ${i}` },
            notes: [{ type: 'access_invalid', msg: 'Invalid login', ts }],
          });
          events.push({ type: 'authorization_update_finished_errored', authorization_uid: a.uid });
        }
        if (events.length === 0) break;
        const status = await utilityapi.deliverWebhook({
          url: `http://127.0.0.1:${running.port}/webhooks/utilityapi`,
          secret: UA_SECRET,
          events,
        });
        if (status !== 200) throw new BenchFailure(`webhook batch ${batch} answered ${status}`);
        const due = started + ((batch + 1) * SPREAD_MS) / BATCHES;
        await sleep(Math.max(0, due - Date.now()));
      }
      const lastWebhook = Date.now();
      process.stdout.write(`webhooks delivered in ${seconds(lastWebhook - started)}\n`);

      const visibleInSlack = () => {
        const top = [...slack.messages(CHANNEL).values()].filter((m) => !m.threadTs);
        let counted = 0;
        for (const m of top) {
          const digest = /^([\d,]+) authorizations? needs? attention/.exec(m.text ?? '');
          counted += digest ? Number(digest[1]?.replace(/,/g, '')) : 1;
        }
        return counted;
      };
      let slackAt: number | null = null;
      let homeAt: number | null = null;
      while (slackAt === null || homeAt === null) {
        if (Date.now() - lastWebhook > VISIBLE_TIMEOUT_MS) {
          throw new BenchFailure(
            `only ${visibleInSlack()} of ${STORM} visible after ${seconds(VISIBLE_TIMEOUT_MS)}`,
          );
        }
        if (slackAt === null && visibleInSlack() >= STORM) slackAt = Date.now();
        if (homeAt === null) {
          const counts = await running.services.worklist.counts(SINGLE_WORKSPACE_ID, new Date());
          if (counts.bad_logins >= STORM) homeAt = Date.now();
        }
        await sleep(250);
      }
      const visibleMs = Math.max(slackAt, homeAt) - lastWebhook;

      // No duplicate and no lost incident, per the database.
      const notices = await running.services.models.Authorization.db
        .collection('notices')
        .find({ kind: 'incident', resolvedAt: null }, { projection: { authorizationId: 1 } })
        .toArray();
      const distinct = new Set(notices.map((n) => String(n.authorizationId))).size;
      const chat = slack.calls.filter((c) => c.method.startsWith('chat.'));
      const rate = callsPerSecond(chat, CHANNEL, started, Math.max(slackAt, homeAt));
      const posts = callsPerSecond(
        chat.filter((c) => c.method === 'chat.postMessage'),
        CHANNEL,
        started,
        Math.max(slackAt, homeAt),
      );
      const served429 = slack.rateLimitedCalls().length;

      process.stdout.write(
        `visible in Slack ${seconds(slackAt - lastWebhook)} and on the Home ${seconds(homeAt - lastWebhook)} after the last webhook: ${seconds(visibleMs)} (target < ${seconds(VISIBLE_TARGET_MS)}: ${verdict(visibleMs < VISIBLE_TARGET_MS)})\n`,
      );
      process.stdout.write(
        `Slack calls to the channel per second: peak ${rate.peak}, mean ${rate.mean.toFixed(2)} (${rate.total} calls); chat.postMessage peak ${posts.peak}, mean ${posts.mean.toFixed(2)}\n`,
      );
      process.stdout.write(`429s served: ${served429} (target 0: ${verdict(served429 === 0)})\n`);
      process.stdout.write(
        `open incident notices: ${notices.length}, authorizations: ${distinct} of ${STORM}\n`,
      );
      if (notices.length !== STORM || distinct !== STORM) {
        throw new BenchFailure(
          `expected ${STORM} open incident notices, one each; found ${notices.length} for ${distinct}`,
        );
      }
    } finally {
      await relink?.stop();
      await Promise.all([slack.stop(), utilityapi.stop()]);
      await dropDatabase(databaseUri);
    }
  },
};
