import type { Logger } from './logger';

/**
 * What runs next (DESIGN.md, "Flows"). relink's work happens in three steps, each draining a durable
 * queue: the inbox (webhook events), the queued reauth requests, and the outbox (effects for Slack).
 * Jobs run every step on a timer as a safety net; this module runs them at once when something is
 * added, and says in one table which step follows which. Each step's runs are coalesced in this
 * process, so a burst of webhooks or clicks triggers at most two runs, the last call always followed
 * by a complete run.
 */
export const STEPS = ['processInbox', 'sendRequests', 'publishNotices'] as const;
export type Step = (typeof STEPS)[number];

/** What a step's completed run may have added to later steps' queues. */
const FOLLOWED_BY: Record<Step, readonly Step[]> = {
  // Applying events writes outbox effects.
  processInbox: ['publishNotices'],
  // Sending writes "sent" and "failed" effects.
  sendRequests: ['publishNotices'],
  publishNotices: [],
};

/** What happened, and the steps it starts. */
const STARTED_BY = {
  eventsStored: ['processInbox'],
  // The "request queued" reply goes to Slack without waiting for the send.
  requestQueued: ['publishNotices', 'sendRequests'],
} as const satisfies Record<string, readonly Step[]>;

export type Happening = keyof typeof STARTED_BY;

/** How long stopping waits for running steps: a send in flight ends within its mailer's timeout. */
const STOP_TIMEOUT_MS = 15_000;

export interface Pipeline {
  /** Sets the work of a step; a step with no work (Slack not configured) does nothing when run. */
  define(step: Step, work: () => Promise<unknown>): void;
  isDefined(step: Step): boolean;
  /** Runs `step` (joining a run in progress), then starts whatever follows it. Never rejects. */
  run(step: Step): Promise<void>;
  /** Webhook events were stored in the inbox. */
  eventsStored(): void;
  /** A reauth request was queued (or queued again by Retry). */
  requestQueued(): void;
  /**
   * relink is stopping: no step starts any more, and this resolves once the runs in progress end (or
   * `timeoutMs` passed), so a send in flight is recorded before the database closes rather than left
   * for the next start to settle. A run that outlasts the timeout is cut short like a crash would be.
   */
  stop(timeoutMs?: number): Promise<void>;
}

export function createPipeline(log: Logger): Pipeline {
  const runners = new Map<Step, Coalesced>();
  let stopped = false;

  function start(steps: readonly Step[]): void {
    for (const step of steps) void pipeline.run(step);
  }

  const pipeline: Pipeline = {
    define(step, work) {
      const onError = (err: unknown) => log.error({ err, step }, 'pipeline step failed');
      runners.set(
        step,
        coalesce(async () => {
          try {
            await work();
          } finally {
            // A failed run may still have added to later queues before it failed.
            start(FOLLOWED_BY[step]);
          }
        }, onError),
      );
    },
    isDefined: (step) => runners.has(step),
    run: (step) => (stopped ? Promise.resolve() : (runners.get(step)?.run() ?? Promise.resolve())),
    eventsStored: () => start(STARTED_BY.eventsStored),
    requestQueued: () => start(STARTED_BY.requestQueued),
    async stop(timeoutMs = STOP_TIMEOUT_MS) {
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
  return pipeline;
}

interface Coalesced {
  run(): Promise<void>;
  /** Drops a run still owed and resolves when the one in progress (if any) ends. */
  finish(): Promise<void>;
}

/** Calls while `work` runs fold into one more run afterwards. */
function coalesce(work: () => Promise<unknown>, onError: (err: unknown) => void): Coalesced {
  let running: Promise<void> | null = null;
  let again = false;
  let finishing = false;
  return {
    run(): Promise<void> {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            await work().catch(onError);
          } while (again && !finishing);
        } finally {
          running = null;
        }
      })();
      return running;
    },
    async finish(): Promise<void> {
      finishing = true;
      await running;
    },
  };
}
