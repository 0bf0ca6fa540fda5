import type { Agenda } from 'agenda';
import type { ExpiryChecks } from '../ingest/expiry-checks';
import type { Metrics } from '../metrics/metrics';
import type { Pipeline, Step } from '../pipeline';
import type { AuthorizationStore } from '../store/authorizations';
import type { Inbox } from '../store/inbox';
import type { Retention } from '../store/retention';

export const JobName = {
  processInbox: 'process-inbox',
  sendRequests: 'send-reauth-requests',
  publishNotices: 'publish-notices',
  expireDue: 'expire-due',
  warnExpiring: 'warn-expiring',
  reconcileUtilityApi: 'reconcile-utilityapi',
  pruneRetention: 'prune-old-records',
  sendReminders: 'send-reminders',
} as const;

export interface JobDeps {
  /** The inbox, request and outbox steps run through it, so a job joins a run already started by a webhook or click. */
  pipeline: Pipeline;
  expiry: ExpiryChecks;
  authorizations: AuthorizationStore;
  /** Both set by src/main.ts; a test that runs only some jobs may leave them out. */
  inbox?: Pick<Inbox, 'requeueOrphans'>;
  retention?: Retention;
  /** null without UTILITYAPI_TOKEN: there is nothing to reconcile against. */
  reconcile: (() => Promise<unknown>) | null;
  clock: () => Date;
  /** Reminders due, then their notices (src/reauth/reminders.ts); absent: no reminder job. */
  sendReminders?: () => Promise<unknown>;
  /** Times every job run (`relink_job_duration_seconds`). */
  metrics?: Pick<Metrics, 'timeJob'>;
}

export interface JobIntervals {
  processInbox: string;
  sendRequests: string;
  publishNotices: string;
  expireDue: string;
  warnExpiring: string;
  reconcileUtilityApi: string;
  sendReminders: string;
  /** Cron or interval; a fixed time of day, so restarts neither skip it nor run it at every start. */
  pruneRetention: string;
}

export const DEFAULT_INTERVALS: JobIntervals = {
  processInbox: '10 seconds',
  sendRequests: '10 seconds',
  publishNotices: '5 seconds',
  expireDue: '1 minute',
  warnExpiring: '15 minutes',
  reconcileUtilityApi: '15 minutes',
  // Reminders are days apart; each run reads only the small reminder queue.
  sendReminders: '1 minute',
  // 03:30 server time, daily; on FerretDB each batch of a run reads its whole collection once.
  pruneRetention: '30 3 * * *',
};

// A revision older than this with no applied mark was interrupted by a crash; see store/authorizations.ts.
const REPAIR_AFTER_MS = 30_000;

/** Defines every job and schedules the recurring ones (agenda keeps one document per name). */
export async function startJobs(agenda: Agenda, deps: JobDeps, overrides: Partial<JobIntervals> = {}) {
  const intervals = { ...DEFAULT_INTERVALS, ...overrides };
  const timed = timeJobs(agenda, deps.metrics);
  timed.define(JobName.processInbox, async () => {
    await deps.authorizations.repairUnapplied(new Date(deps.clock().getTime() - REPAIR_AFTER_MS));
    // Events a cut-short store left unqueued: cheap to look for (a few marks), so every run does.
    await deps.inbox?.requeueOrphans();
    await deps.pipeline.run('processInbox');
  });
  timed.define(JobName.expireDue, async () => {
    await deps.expiry.expireDue();
  });
  timed.define(JobName.warnExpiring, async () => {
    await deps.expiry.warnExpiring();
  });
  // Slack's step is undefined in setup mode: effects wait in the outbox.
  const step = (name: Step) => (deps.pipeline.isDefined(name) ? () => deps.pipeline.run(name) : null);
  const { retention } = deps;
  const optional = [
    [JobName.reconcileUtilityApi, deps.reconcile, intervals.reconcileUtilityApi],
    [JobName.sendRequests, step('sendRequests'), intervals.sendRequests],
    [JobName.publishNotices, step('publishNotices'), intervals.publishNotices],
    [JobName.sendReminders, deps.sendReminders ?? null, intervals.sendReminders],
  ] as const;
  for (const [name, work] of optional) if (work) timed.define(name, async () => void (await work()));
  if (retention) timed.define(JobName.pruneRetention, async () => void (await retention.prune(deps.clock())));

  await agenda.start();
  await agenda.every(intervals.processInbox, JobName.processInbox);
  await agenda.every(intervals.expireDue, JobName.expireDue);
  await agenda.every(intervals.warnExpiring, JobName.warnExpiring);
  for (const [name, work, interval] of optional) if (work) await agenda.every(interval, name);
  // Not at start: pruning keeps to its hour.
  if (retention) {
    await agenda.every(intervals.pruneRetention, JobName.pruneRetention, undefined, { skipImmediate: true });
  }
}

/** `agenda.define`, with each run timed by `metrics` when given. */
const timeJobs = (agenda: Agenda, metrics: JobDeps['metrics']) => ({
  define(name: string, work: () => Promise<void>): void {
    agenda.define(name, metrics ? () => metrics.timeJob(name, work) : work);
  },
});
