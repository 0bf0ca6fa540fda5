/**
 * What runs next (DESIGN.md, "The flow of effects"), said once. relink's background work is a handful
 * of steps. Each is started three ways, all declared here: by what the stores announce (src/store/
 * listeners.ts: a webhook's events stored, a request queued, effects recorded), by its timer (the
 * safety net, and the only start for the periodic checks), and by the step it follows. Their bodies
 * are in flows.ts; nothing else runs a step.
 */

/** What the stores announce that starts a step at once. */
export type Announcement = 'eventsStored' | 'requestQueued' | 'effectsRecorded';

export interface StepSpec {
  /** The scheduler's job name: stored in its documents, so kept as it was. */
  job: string;
  /** How often its timer runs it (an agenda interval or a cron line). */
  every: string;
  startedBy: readonly Announcement[];
  /** Steps whose queues a completed run may have added to; each runs once it ends. */
  followedBy: readonly StepName[];
  /** Also run once at start (what a crash interrupted is settled then, not at the first tick). */
  atStart?: boolean;
  /** A fixed time of day: not run at start, so restarts neither skip it nor repeat it. */
  keepsItsHour?: boolean;
}

export type StepName =
  | 'repairInterrupted'
  | 'processInbox'
  | 'sendRequests'
  | 'publishNotices'
  | 'sendReminders'
  | 'expireDue'
  | 'warnExpiring'
  | 'reconcileUtilityApi'
  | 'pruneRetention';

export const STEPS: Record<StepName, StepSpec> = {
  // Finds what a crash cut short: revisions written but not applied, events stored but not queued.
  // On its timer only: cheap, but not free enough for every webhook.
  repairInterrupted: {
    job: 'repair-interrupted',
    every: '10 seconds',
    startedBy: [],
    followedBy: ['processInbox'],
  },
  // Applies webhook events; applying writes outbox effects.
  processInbox: {
    job: 'process-inbox',
    every: '10 seconds',
    startedBy: ['eventsStored'],
    followedBy: ['publishNotices'],
  },
  // Sends queued reauth emails; sending writes "sent" and "failed" effects.
  sendRequests: {
    job: 'send-reauth-requests',
    every: '10 seconds',
    startedBy: ['requestQueued'],
    followedBy: ['publishNotices'],
    atStart: true,
  },
  // Publishes the outbox to Slack, news first (src/domain/lanes.ts).
  publishNotices: {
    job: 'publish-notices',
    every: '5 seconds',
    startedBy: ['effectsRecorded'],
    followedBy: [],
  },
  // Reminders are days apart; each run reads only the small reminder queue.
  sendReminders: { job: 'send-reminders', every: '1 minute', startedBy: [], followedBy: ['publishNotices'] },
  expireDue: { job: 'expire-due', every: '1 minute', startedBy: [], followedBy: ['publishNotices'] },
  warnExpiring: { job: 'warn-expiring', every: '15 minutes', startedBy: [], followedBy: ['publishNotices'] },
  reconcileUtilityApi: {
    job: 'reconcile-utilityapi',
    every: '15 minutes',
    startedBy: [],
    followedBy: ['publishNotices'],
  },
  // 03:30 server time, daily; on FerretDB each batch of a run reads its whole collection once.
  pruneRetention: {
    job: 'prune-old-records',
    every: '30 3 * * *',
    startedBy: [],
    followedBy: [],
    keepsItsHour: true,
  },
};

export const STEP_NAMES = Object.keys(STEPS) as StepName[];

/** The steps an announcement starts. */
export const startedBy = (announcement: Announcement): StepName[] =>
  STEP_NAMES.filter((step) => STEPS[step].startedBy.includes(announcement));

/** Each step's timer, `overrides` (tests, config) taking precedence. */
export type StepIntervals = Record<StepName, string>;
export const intervalsWith = (overrides: Partial<StepIntervals> = {}): StepIntervals =>
  Object.fromEntries(STEP_NAMES.map((step) => [step, overrides[step] ?? STEPS[step].every])) as StepIntervals;
