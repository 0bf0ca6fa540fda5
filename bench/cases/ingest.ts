// Longer than 250 lines because one case builds its workload, runs it at two sizes beside their baselines, profiles it on demand and checks every outcome against the database.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { type RunningRelink, startRelink } from '../../src/main';
import { utilityApiSignature } from '../../src/platforms/utilityapi/webhook';
import { connect, databaseNameOf } from '../../src/store/database';
import { seededRandom } from '../../test/support/seeded-random';
import {
  createUtilityApiStandIn,
  type StandInAuthorization,
  utilityApiTime,
} from '../../test/support/utilityapi-standin';
import { waitForStartupJobs } from '../support';
import { type BenchCase, type BenchContext, BenchFailure } from '../types';

/**
 * The sizes run, each on a fresh database beside its own baseline: `BENCH_EVENTS` (e.g. `2000` or
 * `2000,10000`) changes them for a quick look; authorizations stay at events / 5.
 */
const SIZES = (process.env.BENCH_EVENTS || '10000,50000')
  .split(',')
  .map((n) => Math.max(10, Number(n) || 10));
/** Targets (issue #11): ingest within 25× of the baseline, and the largest size at 80% of the smallest's rate. */
const MAX_RATIO = 25;
const MIN_RATE_KEPT = 0.8;
const BAD_LOGIN_SHARE = 0.3;
const DUPLICATE_SHARE = 0.2;
const BATCH_SIZE = 100;
const CONCURRENT_POSTS = 4;
const SECRET = 'bench-utilityapi-webhook-secret';
const TOKEN = 'bench-utilityapi-token';
const SETTLE_TIMEOUT_MS = 2 * 60 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));

interface BenchEvent {
  uid: string;
  type: string;
  ts: string;
  authorization_uid: string;
  delivery_method: 'webhook';
  delivery_target: string;
  is_delivered: boolean;
}

/** The events to post, made one at a time: the load generator runs in relink's process, and 50,000 event
 * objects held for the whole run would be tens of megabytes in relink's heap for its collector to walk. */
interface Workload {
  count: number;
  duplicates: number;
  at(position: number): BenchEvent;
}

/**
 * `EVENTS` events: the first `AUTHORIZATIONS` unique ones touch every authorization once (shuffled),
 * the rest pick authorizations at random; `DUPLICATE_SHARE` of all deliveries repeat an earlier event.
 * Kept as numbers (which unique event each position delivers, and each unique event's authorization
 * and first position); `at` builds the event.
 */
function buildWorkload(
  authorizations: StandInAuthorization[],
  bad: Set<string>,
  target: string,
  EVENTS: number,
): Workload {
  const AUTHORIZATIONS = authorizations.length;
  const next = seededRandom(42);
  const order = [...authorizations];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j] as StandInAuthorization, order[i] as StandInAuthorization];
  }
  const duplicates = Math.round(EVENTS * DUPLICATE_SHARE);
  const uniqueAt = new Int32Array(EVENTS);
  const authorizationOf = new Int32Array(EVENTS);
  const firstPosition = new Int32Array(EVENTS);
  let uniques = 0;
  const start = Date.now() - EVENTS * 1000;
  let duplicatesLeft = duplicates;
  for (let i = 0; i < EVENTS; i++) {
    const remaining = EVENTS - i;
    const repeat = uniques >= AUTHORIZATIONS && duplicatesLeft > 0 && next() * remaining < duplicatesLeft;
    if (repeat) {
      uniqueAt[i] = Math.floor(next() * uniques);
      duplicatesLeft--;
      continue;
    }
    authorizationOf[uniques] = uniques < order.length ? uniques : Math.floor(next() * order.length);
    firstPosition[uniques] = i;
    uniqueAt[i] = uniques++;
  }
  return {
    count: EVENTS,
    duplicates: duplicates - duplicatesLeft,
    at(position) {
      const unique = uniqueAt[position] as number;
      const authorization = order[authorizationOf[unique] as number] as StandInAuthorization;
      return {
        uid: `bench-evt-${unique + 1}`,
        type: bad.has(authorization.uid)
          ? 'authorization_update_finished_errored'
          : 'authorization_update_finished_successful',
        ts: utilityApiTime(new Date(start + (firstPosition[unique] as number) * 1000)),
        authorization_uid: authorization.uid,
        delivery_method: 'webhook',
        delivery_target: target,
        is_delivered: false,
      };
    },
  };
}

async function post(url: string, events: BenchEvent[]): Promise<{ stored: number; duplicates: number }> {
  const body = Buffer.from(JSON.stringify({ events, next: null }));
  const salt = randomBytes(16).toString('hex');
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-utilityapi-webhook-salt': salt,
      'x-utilityapi-webhook-signature': utilityApiSignature(SECRET, salt, body),
    },
    body,
  });
  const answer = (await response.json()) as { stored: number; duplicates: number };
  if (response.status !== 200)
    throw new Error(`webhook answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** `BENCH_PROFILE=1`: the database time of each command and collection, to see where ingest goes. */
function profileCommands(relink: RunningRelink): () => string {
  const client = relink.services.models.Authorization.db.getClient();
  const started = new Map<number, string>();
  const totals = new Map<string, { count: number; ms: number }>();
  client.on('commandStarted', (e) => {
    const target = e.command[e.commandName];
    started.set(e.requestId, `${e.commandName} ${typeof target === 'string' ? target : ''}`);
  });
  client.on('commandSucceeded', (e) => {
    const key = started.get(e.requestId) ?? e.commandName;
    const total = totals.get(key) ?? { count: 0, ms: 0 };
    totals.set(key, { count: total.count + 1, ms: total.ms + e.duration });
  });
  return () =>
    [...totals]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 12)
      .map(([key, t]) => `  db ${key}: ${t.count} calls, ${seconds(t.ms)} s`)
      .join('\n');
}

async function settle(relink: RunningRelink): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  const { inbox } = relink.services;
  // Stored events start the inbox step by themselves (src/flows/steps.ts): wait for it to finish them.
  for (;;) {
    if ((await inbox.pendingCount()) === 0) return;
    if (Date.now() > deadline) throw new Error('the inbox did not settle in time');
    await sleep(10);
  }
}

/** Incidents opened beyond one per bad-login authorization, and bad-login authorizations with none. */
async function countIncidents(relink: RunningRelink, bad: Set<string>) {
  const { Authorization, OutboxEffect } = relink.services.models;
  const externalIdOf = new Map(
    (await Authorization.find({ source: 'utilityapi' }, { externalId: 1 }).lean()).map((a) => [
      a._id.toHexString(),
      a.externalId,
    ]),
  );
  const opened = new Map<string, number>();
  for (const doc of await OutboxEffect.find(
    { 'effect.type': 'incident.opened' },
    { authorizationId: 1 },
  ).lean()) {
    const uid = externalIdOf.get(doc.authorizationId.toHexString()) ?? `unknown:${doc.authorizationId}`;
    opened.set(uid, (opened.get(uid) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const [uid, count] of opened) duplicates += Math.max(0, count - (bad.has(uid) ? 1 : 0));
  const missing = [...bad].filter((uid) => !opened.has(uid)).length;
  return { duplicates, missing, stored: externalIdOf.size };
}

async function baseline(relink: RunningRelink, workload: Workload, EVENTS: number): Promise<number> {
  const db = relink.services.models.Authorization.db;
  const collection = db.collection('bench_baseline');
  const now = new Date();
  const docs = Array.from({ length: EVENTS }, (_, i) => {
    const payload = workload.at(i % workload.count);
    return {
      workspaceId: SINGLE_WORKSPACE_ID,
      source: 'utilityapi',
      eventId: `baseline-${i}`,
      type: payload.type,
      payload: { ...payload, uid: `baseline-${i}` },
      receivedAt: now,
      nextAttemptAt: now,
      processedAt: null,
      poisonedAt: null,
      attempts: 0,
    };
  });
  const started = performance.now();
  await collection.insertMany(docs, { ordered: false });
  const elapsed = performance.now() - started;
  await collection.drop().catch(() => undefined);
  return elapsed;
}

async function runSize(context: BenchContext, EVENTS: number): Promise<{ rate: number; ratio: number }> {
  const AUTHORIZATIONS = Math.round(EVENTS / 5);
  const standIn = createUtilityApiStandIn({ token: TOKEN, rateLimitPerSecond: 10_000 });
  const { url: apiUrl } = await standIn.start();
  // Command monitoring is a client option: the profile asks for it through the URI.
  const databaseUri = `${context.databaseUri('ingest')}${process.env.BENCH_PROFILE ? '?monitorCommands=true' : ''}`;
  let relink: RunningRelink | null = null;
  try {
    relink = await startRelink(
      loadConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        MONGODB_URI: databaseUri,
        UTILITYAPI_TOKEN: TOKEN,
        UTILITYAPI_URL: apiUrl,
        UTILITYAPI_WEBHOOK_SECRET: SECRET,
      }),
      context.log,
      {
        // The scratch database is this relink's alone, as the embedded database is in production.
        soleWriter: true,
        jobIntervals: {
          processInbox: '1 hour',
          expireDue: '1 hour',
          warnExpiring: '1 hour',
          reconcileUtilityApi: '1 hour',
        },
      },
    );
    // The startup jobs (a reconcile of the account among them) run against an empty account and are
    // waited out: what is measured is ingest alone, creating every authorization it reads about.
    await waitForStartupJobs(relink, 60_000);
    const bad = new Set<string>();
    const authorizations: StandInAuthorization[] = [];
    for (let i = 0; i < AUTHORIZATIONS; i++) {
      const isBad = i % 10 < BAD_LOGIN_SHARE * 10;
      const authorization = standIn.upsertAuthorization(
        isBad
          ? {
              notes: [
                {
                  type: 'access_invalid',
                  msg: 'Username and password did not work',
                  ts: utilityApiTime(new Date()),
                },
              ],
            }
          : {},
      );
      if (isBad) bad.add(authorization.uid);
      authorizations.push(authorization);
    }

    const webhookUrl = `http://127.0.0.1:${relink.port}/webhooks/utilityapi`;
    const workload = buildWorkload(authorizations, bad, webhookUrl, EVENTS);
    const { duplicates } = workload;
    const batches = Math.ceil(workload.count / BATCH_SIZE);
    const batch = (n: number) =>
      Array.from({ length: Math.min(BATCH_SIZE, workload.count - n * BATCH_SIZE) }, (_, k) =>
        workload.at(n * BATCH_SIZE + k),
      );

    const profile = process.env.BENCH_PROFILE ? profileCommands(relink) : null;
    const answered = { stored: 0, duplicates: 0 };
    const started = performance.now();
    let nextBatch = 0;
    const sender = async () => {
      for (let i = nextBatch++; i < batches; i = nextBatch++) {
        const answer = await post(webhookUrl, batch(i));
        answered.stored += answer.stored;
        answered.duplicates += answer.duplicates;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_POSTS }, sender));
    const postedMs = performance.now() - started;
    await settle(relink);
    const ingestMs = performance.now() - started;

    const baselineMs = await baseline(relink, workload, EVENTS);
    const incidents = await countIncidents(relink, bad);

    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(
      `ingest: ${workload.count} events (${duplicates} duplicates) in ${seconds(ingestMs)} s = ` +
        `${perSecond(workload.count, ingestMs)} events/s`,
    );
    out(
      `  posted in ${seconds(postedMs)} s (${BATCH_SIZE} per batch, ${CONCURRENT_POSTS} concurrent); ` +
        `webhook answered stored ${answered.stored}, duplicates ${answered.duplicates}; ` +
        `${AUTHORIZATIONS} authorizations (${bad.size} bad login), ${incidents.stored} stored`,
    );
    out(
      `baseline insertMany: ${EVENTS} docs in ${seconds(baselineMs)} s = ${perSecond(EVENTS, baselineMs)} docs/s`,
    );
    const ratio = ingestMs / baselineMs;
    out(`ratio ingest/baseline: ${ratio.toFixed(1)}x (target ≤ ${MAX_RATIO}x)`);
    out(`duplicate effects: ${incidents.duplicates}`);
    if (profile) out(profile());
    if (incidents.missing > 0) out(`missing incidents: ${incidents.missing}`);

    const problems: string[] = [];
    if (incidents.duplicates > 0) problems.push(`${incidents.duplicates} duplicate incident.opened effects`);
    if (incidents.missing > 0)
      problems.push(`${incidents.missing} bad-login authorizations without an incident`);
    if (answered.duplicates !== duplicates)
      problems.push(`webhook reported ${answered.duplicates} duplicates, expected ${duplicates}`);
    if (incidents.stored !== AUTHORIZATIONS)
      problems.push(`${incidents.stored} authorizations stored, expected ${AUTHORIZATIONS}`);
    if (problems.length > 0) throw new BenchFailure(problems.join('; '));
    return { rate: workload.count / (ingestMs / 1000), ratio };
  } finally {
    const t0 = performance.now();
    await relink?.stop();
    const t1 = performance.now();
    await standIn.stop();
    // The scratch database goes once relink (and its scheduler) no longer use it.
    const scratch = await connect(databaseUri, databaseNameOf(databaseUri)).catch(() => null);
    await scratch?.dropDatabase().catch(() => undefined);
    await scratch?.close();
    const t2 = performance.now();
    process.stdout.write(
      `  teardown: relink.stop ${seconds(t1 - t0)} s, drop database ${seconds(t2 - t1)} s\n`,
    );
  }
}

/** Each size on its own database; then how much of the smallest size's rate the largest keeps. */
async function run(context: BenchContext): Promise<void> {
  const results: { events: number; rate: number; ratio: number }[] = [];
  for (const events of SIZES) {
    process.stdout.write(`-- ${events} events\n`);
    results.push({ events, ...(await runSize(context, events)) });
  }
  const first = results[0];
  const last = results[results.length - 1];
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `summary: ${results.map((r) => `${r.events} events ${Math.round(r.rate)}/s (${r.ratio.toFixed(1)}x)`).join(', ')}`,
  );
  if (first && last && results.length > 1) {
    const kept = last.rate / first.rate;
    out(
      `rate at ${last.events} / rate at ${first.events}: ${(kept * 100).toFixed(0)}% (target ≥ ${MIN_RATE_KEPT * 100}%)`,
    );
  }
}

export const ingestCase: BenchCase = { name: 'ingest', run };
