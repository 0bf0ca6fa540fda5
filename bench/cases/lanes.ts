import { loadConfig } from '../../src/config';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { type RunningRelink, startRelink } from '../../src/main';
import { createSendgridStandin } from '../../test/support/sendgrid-standin';
import type { SlackActor } from '../../test/support/slack-signing';
import { createSlackStandin } from '../../test/support/slack-standin';
import { createUtilityApiStandIn } from '../../test/support/utilityapi-standin';
import { badLoginAt, type Customer, seedCustomers } from '../bad-logins';
import { type Incident, watchIncidents } from '../incident-sightings';
import { callsNotAbout, callsPerSecond } from '../slack-calls';
import { dropDatabase, percentile, sleep, verdict, waitForStartupJobs } from '../support';
import { type BenchCase, type BenchContext, BenchFailure } from '../types';

/*
 * Issue 18's lanes benchmark (DESIGN.md, "The flow of effects: lanes"): what the team must hear now
 * never waits behind what can wait. 1,000 customers with bad logins are asked in one bulk action; while
 * its follow-ups ("request queued", "request sent") wait in the outbox, 20 other authorizations go bad,
 * one a second, reported by signed UtilityAPI webhooks, for the same channel. The Slack stand-in
 * refuses (429) any post faster than one per second per channel. Measured: webhook → the incident shown
 * in Slack, the channel's calls per second and the 429s, and the Slack calls the bulk's follow-ups cost.
 */

const CUSTOMERS = Number(process.env.LANES_BENCH_CUSTOMERS) || 1_000;
const INCIDENTS = 20;
const INCIDENT_SPACING_MS = 1_000;
const INCIDENT_P99_TARGET_MS = 10_000;
/** Per incident: today's outbox is oldest first, so an incident may wait the whole backlog out. */
const INCIDENT_WAIT_MS = 180_000;
/** From Send: at one post a second, 1,000 customers' follow-ups may take an hour to drain. */
const DRAIN_WAIT_MS = 6 * 60_000;
/** The seeded incidents reach Slack (as a digest) before the bulk, as a team would have seen them. */
const SEEDED_WAIT_MS = 180_000;

const BOT_TOKEN = 'xoxb-bench-lanes-0123456789';
const CHANNEL = 'C0BENCHLANES';
const TEAM = 'T0BENCHLANES';
const ACTOR: SlackActor = { userId: 'U0BENCHLANES1', teamId: TEAM };
const UA_TOKEN = 'bench-lanes-utilityapi-token';
const UA_SECRET = 'bench-lanes-webhook-secret';

const out = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function outboxDrained(relink: RunningRelink, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while ((await relink.services.outbox.countPending()) > 0) {
    if (performance.now() > until) return false;
    await sleep(500);
  }
  return true;
}

/** "Select all" in the bad-logins tab, "Ask N customers…", Send: the service calls bulk.ts makes. */
async function sendBulkAsk(relink: RunningRelink) {
  const { bulk } = relink.services;
  await bulk.select(SINGLE_WORKSPACE_ID, ACTOR.userId, { tab: 'bad_logins', search: null }, { kind: 'all' });
  const plan = await bulk.prepare(SINGLE_WORKSPACE_ID, ACTOR);
  if (plan.asked.length !== CUSTOMERS)
    throw new BenchFailure(`the plan asks ${plan.asked.length} of ${CUSTOMERS}`);
  const sentAt = Date.now();
  const started = await bulk.start({
    workspaceId: SINGLE_WORKSPACE_ID,
    bulkId: plan.planId,
    requestedBy: ACTOR,
    note: null,
  });
  if (!started.started) throw new BenchFailure('the bulk ask did not start');
  return { sentAt, queued: started.queue() };
}

async function run(context: BenchContext): Promise<void> {
  const slack = createSlackStandin({ botToken: BOT_TOKEN, teamId: TEAM, channelPostIntervalMs: 1000 });
  const sendgrid = createSendgridStandin({ apiKey: 'SG.bench-key' });
  const utilityapi = createUtilityApiStandIn({ token: UA_TOKEN });
  const databaseUri = context.databaseUri('lanes');
  let relink: RunningRelink | null = null;
  try {
    const [s, g, u] = await Promise.all([slack.start(), sendgrid.start(), utilityapi.start()]);
    relink = await startRelink(
      loadConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        MONGODB_URI: databaseUri,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
        SLACK_ALERT_CHANNEL: CHANNEL,
        SLACK_API_URL: s.apiUrl,
        SENDGRID_API_KEY: 'SG.bench-key',
        SENDGRID_FROM_EMAIL: 'support@sunny.example',
        SENDGRID_FROM_NAME: 'Sunny Solar',
        SENDGRID_API_URL: g.url,
        UTILITYAPI_TOKEN: UA_TOKEN,
        UTILITYAPI_URL: u.url,
        UTILITYAPI_WEBHOOK_SECRET: UA_SECRET,
      }),
      context.log,
      // Every step as in production but the reconcile, which would re-read the whole account mid-run.
      { soleWriter: true, jobIntervals: { reconcileUtilityApi: '1 hour' } },
    );
    const running = relink;
    // The reconcile's startup run must have read the (empty) account before the seeding (see bulk.ts).
    await waitForStartupJobs(running, 120_000);

    const seedStarted = performance.now();
    const working: Customer[] = Array.from({ length: INCIDENTS }, (_, i) => ({
      name: `Lanes Incident ${String(i + 1).padStart(2, '0')}`,
      email: `lanes.incident${i + 1}@example.com`,
    }));
    const fine = await seedCustomers({ relink: running, utilityapi, customers: working, state: 'active' });
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({
      name: `Bulk Customer ${i + 1}`,
      email: `bulk${i + 1}@example.com`,
    }));
    await seedCustomers({ relink: running, utilityapi, customers, state: 'bad_login' });
    const shown = await outboxDrained(running, SEEDED_WAIT_MS);
    const seedCalls = slack.calls.filter((c) => c.args.channel === CHANNEL).length;
    out(
      `${CUSTOMERS} bad logins and ${INCIDENTS} working authorizations seeded; the bad logins ` +
        `${shown ? 'shown' : 'NOT all shown'} in Slack after ${seconds(performance.now() - seedStarted)} (${seedCalls} calls to the channel)`,
    );

    const { sentAt, queued } = await sendBulkAsk(running);
    await queued;
    const pendingAtFirst = await running.services.outbox.countPending();
    out(
      `bulk ask of ${CUSTOMERS}: every request queued ${seconds(Date.now() - sentAt)} after Send; ` +
        `outbox entries pending: ${pendingAtFirst}; emails accepted so far: ${sendgrid.messages.length}`,
    );

    const incidents: Incident[] = working.map((c, i) => ({
      customerName: c.name,
      authorizationId: fine.authorizationIds[i] as string,
      webhookAt: null,
      seenAt: null,
      seenAs: null,
    }));
    const watch = watchIncidents({ slack, relink: running, channel: CHANNEL, incidents });
    let deliveryFailed: unknown = null;
    const delivering = (async () => {
      const start = Date.now();
      for (const [i, incident] of incidents.entries()) {
        await sleep(Math.max(0, start + i * INCIDENT_SPACING_MS - Date.now()));
        const uid = fine.uids[i] as string;
        utilityapi.upsertAuthorization({ uid, ...badLoginAt(working[i] as Customer, new Date()) });
        incident.webhookAt = Date.now();
        const status = await utilityapi.deliverWebhook({
          url: `http://127.0.0.1:${running.port}/webhooks/utilityapi`,
          secret: UA_SECRET,
          events: [{ type: 'authorization_update_finished_errored', authorization_uid: uid }],
        });
        if (status !== 200) throw new BenchFailure(`incident ${i + 1}'s webhook answered ${status}`);
      }
    })().catch((err: unknown) => {
      deliveryFailed = err;
    });
    const waiting = (i: Incident) =>
      i.webhookAt === null || (i.seenAt === null && Date.now() - i.webhookAt < INCIDENT_WAIT_MS);
    for (let tick = 0; deliveryFailed === null && incidents.some(waiting); tick++) {
      await watch.look(tick % 4 === 0);
      await sleep(250);
    }
    await delivering;
    if (deliveryFailed !== null) throw deliveryFailed;
    await watch.look(true);

    const drainedInTime = await outboxDrained(running, Math.max(0, sentAt + DRAIN_WAIT_MS - Date.now()));
    const endedAt = Date.now();
    const remaining = await running.services.outbox.countPending();
    const recorded = await running.services.models.OutboxKey.countDocuments({
      createdAt: { $gte: new Date(sentAt) },
    });
    const published = Math.max(0, recorded - remaining);

    out(`${INCIDENTS} incidents, ${INCIDENT_SPACING_MS / 1000} s apart, webhook → shown in Slack:`);
    for (const [n, i] of incidents.entries()) {
      const shownIn =
        i.seenAt !== null && i.webhookAt !== null
          ? `${seconds(i.seenAt - i.webhookAt)} (${i.seenAs})`
          : `not seen within ${seconds(INCIDENT_WAIT_MS)}`;
      out(`  incident ${String(n + 1).padStart(2)}: ${shownIn}`);
    }
    // An incident not seen counts as the whole wait: the percentiles are then a floor.
    const latencies = incidents.map((i) =>
      i.seenAt !== null && i.webhookAt !== null ? i.seenAt - i.webhookAt : Number.POSITIVE_INFINITY,
    );
    const fmt = (v: number) => (Number.isFinite(v) ? seconds(v) : `> ${seconds(INCIDENT_WAIT_MS)}`);
    const p99 = percentile(latencies, 99);
    out(
      `incident webhook → Slack: p50 ${fmt(percentile(latencies, 50))}, p99 ${fmt(p99)}; ` +
        `${latencies.filter(Number.isFinite).length} of ${INCIDENTS} seen (target p99 < ${seconds(INCIDENT_P99_TARGET_MS)}: ${verdict(p99 < INCIDENT_P99_TARGET_MS)})`,
    );
    const chat = slack.calls.filter((c) => c.method.startsWith('chat.'));
    const rate = callsPerSecond(chat, CHANNEL, sentAt, endedAt);
    const posts = callsPerSecond(
      chat.filter((c) => c.method === 'chat.postMessage'),
      CHANNEL,
      sentAt,
      endedAt,
    );
    out(
      `Slack calls to the channel per second from Send: peak ${rate.peak}, mean ${rate.mean.toFixed(2)} (${rate.total} calls); chat.postMessage peak ${posts.peak}, mean ${posts.mean.toFixed(2)} (Slack: about 1 post/s per channel)`,
    );
    const served429 = slack.rateLimitedCalls().length;
    out(`429s served: ${served429} (target 0: ${verdict(served429 === 0)})`);
    // The bulk's Slack cost: every call to the channel from Send until the outbox drained (or the wait
    // ran out), less the incidents' own (see callsNotAbout).
    const cost = callsNotAbout({
      calls: slack.calls,
      channel: CHANNEL,
      names: incidents.map((i) => i.customerName),
      from: sentAt,
      until: endedAt,
    });
    out(
      `the bulk's follow-ups: ${cost.total} Slack calls for ${CUSTOMERS} customers (${cost.posts} top-level posts, ${cost.replies} thread replies, ${cost.updates} updates, ${cost.other} other; ${cost.refused} refused) ` +
        `in ${seconds(endedAt - sentAt)} from Send; emails accepted: ${sendgrid.messages.length}`,
    );
    out(
      drainedInTime
        ? `outbox drained ${seconds(endedAt - sentAt)} after Send: ${recorded} entries recorded since Send, all published`
        : `outbox NOT drained within ${seconds(DRAIN_WAIT_MS)} of Send: ${recorded} entries recorded since Send, ` +
            `${published} published, ${remaining} still pending`,
    );
    // Extrapolated at the pace seen, for a capped run: what the whole drain would take and cost.
    if (!drainedInTime && published > 0) {
      const perEntry = cost.total / published;
      const restMs = (remaining / published) * (endedAt - sentAt);
      out(
        `  at that pace (extrapolated): the rest takes about ${(restMs / 60_000).toFixed(0)} min more, ` +
          `and the bulk's follow-ups about ${Math.round(perEntry * (recorded - INCIDENTS))} Slack calls in all ` +
          `(${perEntry.toFixed(2)} calls per published entry)`,
      );
    }
  } finally {
    await relink?.stop();
    await Promise.all([slack.stop(), sendgrid.stop(), utilityapi.stop()]);
    await dropDatabase(databaseUri);
  }
}

export const lanesCase: BenchCase = { name: 'lanes', run };
