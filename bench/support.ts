import { loadConfig } from '../src/config';
import type { Logger } from '../src/logger';
import { type RunningRelink, startRelink } from '../src/main';
import { connect, databaseNameOf } from '../src/store/database';
import { BenchFailure } from './types';

/** Helpers shared by the bench cases. */

/** Every job at a long interval: only the startup runs happen, and the case waits them out. */
const QUIET_JOBS = {
  processInbox: '1 hour',
  sendRequests: '1 hour',
  publishNotices: '1 hour',
  expireDue: '1 hour',
  warnExpiring: '1 hour',
  reconcileUtilityApi: '1 hour',
} as const;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const verdict = (met: boolean) => (met ? 'target met' : 'target missed');

/** Nearest-rank percentile of `values` (not necessarily sorted); NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export const summary = (values: readonly number[]) =>
  `p50 ${ms(percentile(values, 50))}, p99 ${ms(percentile(values, 99))}, max ${ms(percentile(values, 100))}`;

/**
 * agenda runs every recurring job once right after start; those runs (scans on FerretDB, notices
 * published) would land in the measurement, so a case waits until each has finished once.
 */
export async function waitForStartupJobs(relink: RunningRelink, timeoutMs: number): Promise<number> {
  const jobs = relink.services.models.Authorization.db.collection('jobs');
  const started = performance.now();
  for (;;) {
    const docs = await jobs
      .find({}, { projection: { lastFinishedAt: 1, lockedAt: 1, lastRunAt: 1, nextRunAt: 1 } })
      .toArray();
    // A job kept to its hour (pruning) has not run at start and is not due: nothing to wait for.
    const now = Date.now();
    const dueAtStart = docs.filter(
      (d) => d.lastRunAt || !(d.nextRunAt instanceof Date) || d.nextRunAt.getTime() <= now,
    );
    if (dueAtStart.length > 0 && dueAtStart.every((d) => d.lastFinishedAt && !d.lockedAt)) {
      return performance.now() - started;
    }
    if (performance.now() - started > timeoutMs) {
      throw new BenchFailure(`relink's startup jobs did not finish within ${timeoutMs / 1000} s`);
    }
    await sleep(100);
  }
}

/** Drops a case's scratch database once nothing uses it any more. */
export async function dropDatabase(databaseUri: string): Promise<void> {
  const scratch = await connect(databaseUri, databaseNameOf(databaseUri)).catch(() => null);
  await scratch?.dropDatabase().catch(() => undefined);
  await scratch?.close();
}

/**
 * relink as the Slack cases run it: on `databaseUri`, talking to the Slack stand-in at `apiUrl`,
 * silent, with every job at a long interval (only the startup runs happen, and cases wait them out).
 */
export function startQuietRelink(input: {
  databaseUri: string;
  slack: { apiUrl: string; botToken: string; signingSecret: string; channel: string };
  log: Logger;
}): Promise<RunningRelink> {
  return startRelink(
    loadConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      MONGODB_URI: input.databaseUri,
      SLACK_BOT_TOKEN: input.slack.botToken,
      SLACK_SIGNING_SECRET: input.slack.signingSecret,
      SLACK_ALERT_CHANNEL: input.slack.channel,
      SLACK_API_URL: input.slack.apiUrl,
    }),
    input.log,
    { jobIntervals: QUIET_JOBS },
  );
}
