import type { Server } from 'node:http';
import { Types } from 'mongoose';
import { SINGLE_WORKSPACE_ID } from '../src/domain/workspace';
import { closeServer, createHttpServer, listen } from '../src/http/server';
import type { RunningRelink } from '../src/main';
import { createSlackApp, type SlackApp } from '../src/slack/app';
import { ActionId, CallbackId } from '../src/slack/ids';
import { SlackPath } from '../src/slack/receivers';
import { observedEvent } from '../test/support/events';
import { CLICK_SLACK, type Click, noticeWithButton } from './click-loop';
import { type SlackSide, startSlackSide, type ViewsOpenRecord } from './slack-side';
import { dropDatabase, sleep, startQuietRelink, waitForStartupJobs } from './support';
import type { BenchContext } from './types';

/*
 * Clicks on "Ask the utility customer to reauthorize" over signed HTTP, open loop, for the click cases
 * (reauth-click.ts at 50/s, click-200.ts at 200/s): relink and an ack-only Bolt app in the same run.
 * Slack's side, the stand-in and the clicker, runs on a worker thread (slack-side.ts), so neither
 * relink's figures nor the ack-only app's include the stand-in's work on relink's views.open calls.
 */

export const AUTHORIZATIONS = 50;
/** A views.open after this is pointless: the stand-in (like Slack) refuses a trigger older than 3 s. */
const VIEWS_OPEN_WAIT_MS = 5_000;

const { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, channel: CHANNEL, teamId: TEAM } = CLICK_SLACK;

/** A Bolt app whose ask_reauth listener only acks, on relink's HTTP server: the floor for an ack. */
async function startBaseline(
  apiUrl: string,
  log: BenchContext['log'],
): Promise<{ slack: SlackApp; server: Server; url: string }> {
  const slack = createSlackApp({
    config: {
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      appToken: null,
      socketMode: false,
      oauth: null,
      alertChannel: CHANNEL,
      apiUrl,
    },
    log,
  });
  slack.app.action(ActionId.askReauth, async ({ ack }) => {
    await ack();
  });
  await slack.start();
  const server = createHttpServer({ routes: slack.routes, log });
  const port = await listen(server, 0, '127.0.0.1');
  return { slack, server, url: `http://127.0.0.1:${port}${SlackPath.events}` };
}

async function seed(relink: RunningRelink): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < AUTHORIZATIONS; i++) {
    const now = new Date();
    const result = await relink.services.authorizations.applyByKey(
      {
        workspaceId: SINGLE_WORKSPACE_ID,
        source: 'utilityapi',
        externalId: new Types.ObjectId().toHexString(),
      },
      {
        event: observedEvent('bad_login', now),
        customer: { name: `Bench Customer ${i + 1}`, email: `customer${i + 1}@example.com`, utility: 'PG&E' },
        actor: 'platform',
        now,
      },
    );
    ids.push(result.authorizationId);
  }
  return ids;
}

/** One run of clicks at a rate: the measured clicks on relink and on the ack-only app, and what opened. */
export interface ClickRun {
  ratePerSecond: number;
  /** relink's measured clicks (after the warm-up). */
  clicks: Click[];
  /** The ack-only app's measured clicks. */
  baseClicks: Click[];
  warmupClicks: number;
  sendingMs: number;
  /** The first views.open of each measured click's trigger. */
  opens: ReadonlyMap<string, ViewsOpenRecord>;
  warmupTriggers: ReadonlySet<string>;
  /** Every views.open the stand-in answered in the run, warm-up included. */
  allOpens: readonly ViewsOpenRecord[];
}

/** How the measured clicks' views.open went. */
export function openFigures(run: ClickRun) {
  const toOpen: number[] = [];
  let failedOpens = 0;
  let notTheForm = 0;
  let formsOpened = 0;
  for (const click of run.clicks) {
    const call = run.opens.get(click.triggerId);
    if (!call) continue;
    if (call.ok) toOpen.push(call.at - click.sentWallMs);
    else failedOpens++;
    if (call.callbackId !== CallbackId.reauthForm) notTheForm++;
    else if (call.ok) formsOpened++;
  }
  return { toOpen, failedOpens, notTheForm, formsOpened, missingOpens: run.clicks.length - run.opens.size };
}

/**
 * Clicks `ratePerSecond` for `durationS` seconds on the ack-only app, then on relink (each after a
 * second's worth of unmeasured warm-up clicks, so neither side is measured cold), and hands the
 * figures to `report`.
 */
export async function runClicks(input: {
  context: BenchContext;
  ratePerSecond: number;
  durationS: number;
  report: (run: ClickRun) => void;
}): Promise<void> {
  const { context, ratePerSecond } = input;
  const slackSide: SlackSide = await startSlackSide({ botToken: BOT_TOKEN, teamId: TEAM });
  const { apiUrl } = slackSide;
  const databaseUri = context.databaseUri('reauth_click');
  const count = ratePerSecond * input.durationS;
  const warmupClicks = ratePerSecond;
  let relink: RunningRelink | null = null;
  let baseline: Awaited<ReturnType<typeof startBaseline>> | null = null;
  try {
    relink = await startQuietRelink({
      databaseUri,
      slack: { apiUrl, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, channel: CHANNEL },
      log: context.log,
    });
    // Before seeding: the startup run of publish-notices then finds nothing, and the seeded incidents
    // stay in the outbox instead of being posted (1 per second) during the measurement.
    await waitForStartupJobs(relink, 120_000);
    const notices = (await seed(relink)).map(noticeWithButton);
    const loop = (url: string, n: number) => slackSide.clicks({ url, notices, count: n, ratePerSecond });

    baseline = await startBaseline(apiUrl, context.log);
    await loop(baseline.url, warmupClicks);
    const baseClicks = await loop(baseline.url, count);

    const relinkUrl = `http://127.0.0.1:${relink.port}${SlackPath.events}`;
    const warmup = await loop(relinkUrl, warmupClicks);
    const before = (await slackSide.viewsOpens(0)).length;
    const started = performance.now();
    const clicks = await loop(relinkUrl, count);
    const sendingMs = performance.now() - started;

    // Wait for the views.open of every click (or until no trigger could still be used).
    const wanted = new Set(clicks.map((c) => c.triggerId));
    const opens = new Map<string, ViewsOpenRecord>();
    const lastSent = Math.max(...clicks.map((c) => c.sentWallMs));
    let scanned = before;
    for (;;) {
      const fresh = await slackSide.viewsOpens(scanned);
      scanned += fresh.length;
      for (const open of fresh)
        if (wanted.has(open.triggerId) && !opens.has(open.triggerId)) opens.set(open.triggerId, open);
      if (opens.size === wanted.size || Date.now() - lastSent > VIEWS_OPEN_WAIT_MS) break;
      await sleep(20);
    }
    const warmupTriggers = new Set(warmup.map((c) => c.triggerId));
    input.report({
      ratePerSecond,
      clicks,
      baseClicks,
      warmupClicks,
      sendingMs,
      opens,
      warmupTriggers,
      allOpens: await slackSide.viewsOpens(0),
    });
  } finally {
    if (baseline) {
      await baseline.slack.stop();
      await closeServer(baseline.server);
    }
    await relink?.stop();
    await slackSide.stop();
    await dropDatabase(databaseUri);
  }
}
