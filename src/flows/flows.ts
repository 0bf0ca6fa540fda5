import type { Agenda } from 'agenda';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics/metrics';
import type { StoreListeners } from '../store/listeners';
import { type Coalesced, coalesce } from './coalesce';
import { intervalsWith, STEP_NAMES, STEPS, type StepIntervals, type StepName, startedBy } from './steps';

/** A step's work; a step without one (Slack not configured, no UtilityAPI token) is not run. */
export type StepBodies = Partial<Record<StepName, () => Promise<unknown>>>;

/** How long stopping waits for running steps: a send in flight ends within its mailer's timeout. */
const STOP_TIMEOUT_MS = 15_000;

/**
 * Runs the steps of steps.ts. Each step's runs are coalesced in this process: a burst of announcements
 * during a run folds into one more run after it, so the last announcement is always followed by a
 * complete run. Runs never reject; a failed run is logged and still starts what follows it (it may have
 * added to later queues before it failed).
 */
export function createFlows(deps: { log: Logger; metrics?: Pick<Metrics, 'timeJob'> }) {
  const { log } = deps;
  const runners = new Map<StepName, Coalesced>();
  let stopped = false;

  const run = (step: StepName): Promise<void> =>
    stopped ? Promise.resolve() : (runners.get(step)?.run() ?? Promise.resolve());
  const start = (steps: readonly StepName[]) => {
    for (const step of steps) void run(step);
  };
  /**
   * What is announced mid-step starts only steps that will not follow that step anyway. A step records
   * its effects before its last writes (so a repeat finds them), and a notice drawn in between would show
   * the state before them; a storm's incidents, published as they are applied, would be posted one by
   * one before enough wait to join a digest. Clicks, which run no step, start them at once; news still
   * cuts short a publishing pass in progress (the publisher hears the same announcement).
   */
  const startAfterSteps = (steps: readonly StepName[]) =>
    start(
      steps.filter(
        (step) =>
          !STEP_NAMES.some(
            (other) => runners.get(other)?.isRunning() && STEPS[other].followedBy.includes(step),
          ),
      ),
    );

  /** The store observer's part: what a store recorded starts the steps waiting for it. */
  const listeners: StoreListeners = {
    eventsStored: () => startAfterSteps(startedBy('eventsStored')),
    effectsRecorded: (types) => {
      startAfterSteps(startedBy('effectsRecorded'));
      // The request's "queued" line is recorded after the request itself: its send starts once both are.
      if (types.includes('request.queued')) startAfterSteps(startedBy('requestQueued'));
    },
    requestWritten: (write) => {
      // Queued again (Retry, Send again): no new "queued" effect is recorded for it.
      if (write.kind === 'status' && write.status === 'queued') startAfterSteps(startedBy('requestQueued'));
    },
  };

  return {
    listeners,

    /** Sets steps' work, once what they run exists (Slack's publisher is built after the services). */
    define(bodies: StepBodies): void {
      for (const step of STEP_NAMES) {
        const work = bodies[step];
        if (!work) continue;
        const timed = deps.metrics ? () => deps.metrics?.timeJob(STEPS[step].job, work) : work;
        const onError = (err: unknown) => log.error({ err, step }, 'step failed');
        runners.set(
          step,
          coalesce(async () => {
            try {
              await timed();
            } finally {
              start(STEPS[step].followedBy);
            }
          }, onError),
        );
      }
    },

    /** For a service's own deadline timer (the sender's claims and windows): runs `step` when called. */
    runner: (step: StepName) => () => void run(step),

    /**
     * Gives every defined step its timer on the scheduler (one job document per name, shared by every
     * process), and runs the steps that run at start.
     */
    async schedule(agenda: Agenda, overrides: Partial<StepIntervals> = {}): Promise<void> {
      const intervals = intervalsWith(overrides);
      const defined = STEP_NAMES.filter((step) => runners.has(step));
      // A job joins a run already started by an announcement rather than running beside it.
      for (const step of defined) agenda.define(STEPS[step].job, () => run(step));
      await agenda.start();
      for (const step of defined) {
        const skipImmediate = STEPS[step].keepsItsHour === true;
        await agenda.every(intervals[step], STEPS[step].job, undefined, { skipImmediate });
      }
      start(defined.filter((step) => STEPS[step].atStart));
    },

    /**
     * relink is stopping: no step starts any more, and this resolves once the runs in progress end (or
     * `timeoutMs` passed), so a send in flight is recorded before the database closes rather than left
     * for the next start to settle. A run that outlasts the timeout is cut short like a crash would be.
     */
    async stop(timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
      stopped = true;
      const finished = Promise.all([...runners.values()].map((runner) => runner.finish()));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      if ((await Promise.race([finished, late])) === 'late')
        log.warn({ timeoutMs }, 'stopping without waiting longer for running steps');
      clearTimeout(timer);
    },
  };
}

export type Flows = ReturnType<typeof createFlows>;
