import { promisify } from 'node:util';
import { TestEnvironment } from 'jest-environment-node';

/** No test waits this long for a timer (tests time out sooner), so such a timer is only ever left over. */
export const LONG_TIMER_MS = 60_000;

/**
 * jest's Node environment, in which a timer set for a minute or more does not keep the worker process
 * alive (it is unref'd; it still fires while the worker runs tests). The one such timer a test file
 * leaves is agenda's: every job run starts a "still alive?" check that sleeps half the job's lock
 * lifetime (5 minutes) and that neither `stop` nor `drain` can cancel (agenda 6.2.6,
 * JobProcessor.runOrRetry). Without this, a worker that ran relink's jobs outlives its last test by
 * up to 5 minutes, and jest kills it with "A worker process has failed to exit gracefully".
 */
export default class RelinkTestEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    const nodeSetTimeout = this.global.setTimeout;
    const setTimeout = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const timer = nodeSetTimeout(callback, ms, ...args);
      if (typeof ms === 'number' && ms >= LONG_TIMER_MS) timer.unref();
      return timer;
    };
    // timers/promises' form, which util.promisify(setTimeout) returns.
    Object.defineProperty(setTimeout, promisify.custom, {
      value: (nodeSetTimeout as unknown as Record<symbol, unknown>)[promisify.custom],
    });
    this.global.setTimeout = setTimeout as typeof this.global.setTimeout;
  }
}
