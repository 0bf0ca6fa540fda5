/**
 * Spaces calls to at most `perSecond`, however many callers wait at once: each `wait()` resolves at
 * its own slot. UtilityAPI allows about 50 requests per second per account (PLATFORM-NOTES) and
 * answers 429 beyond; a bulk ask's sends would otherwise ask it for hundreds of links in a burst.
 */
export function createRateGate(perSecond: number, now: () => number = () => performance.now()) {
  const spacingMs = 1000 / perSecond;
  let nextSlot = 0;
  return {
    async wait(): Promise<void> {
      const at = now();
      const slot = Math.max(at, nextSlot);
      nextSlot = slot + spacingMs;
      if (slot > at) await new Promise((resolve) => setTimeout(resolve, slot - at));
    },
  };
}

export type RateGate = ReturnType<typeof createRateGate>;

/** Runs `work` over `items` with at most `concurrency` at a time; resolves when all have settled. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/** Batches one send pass may take while they come full (a bulk ask queues hundreds at once). */
const MAX_BATCHES_PER_PASS = 40;

/**
 * One send pass: batches of due requests, each sent `concurrency` at a time, batch after batch while
 * they come full. Returns how many were taken. Every send is claimed, so overlap never sends twice.
 */
export async function sendInBatches<T>(input: {
  due: () => Promise<readonly T[]>;
  limit: number;
  concurrency: number;
  send: (item: T) => Promise<void>;
  sweep: Pick<SweepThrottle, 'passed'>;
}): Promise<number> {
  let taken = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
    const due = await input.due();
    await inParallel(due, input.concurrency, input.send);
    taken += due.length;
    if (due.length < input.limit) break;
  }
  input.sweep.passed(taken);
  return taken;
}

/**
 * Whether the sweep for relinked customers' requests (up to 500 reads) runs now: after every quiet
 * pass, but while sends keep coming at most every `everyMs` (a bulk ask runs the send step hundreds
 * of times a minute).
 */
export function createSweepThrottle(everyMs = 10_000) {
  let lastAt = Number.NEGATIVE_INFINITY;
  let busy = false;
  return {
    passed(taken: number): void {
      busy = taken > 0;
    },
    shouldRun(at: number): boolean {
      if (busy && at >= lastAt && at - lastAt < everyMs) return false;
      lastAt = at;
      return true;
    },
  };
}

export type SweepThrottle = ReturnType<typeof createSweepThrottle>;

export interface SendPacingOptions {
  /** Sends in flight at once (default 8). Each is claimed, so overlap never sends an email twice. */
  concurrency?: number;
  /** Reauthorization links asked of the platform per second (default 40; UtilityAPI allows 50). */
  formsPerSecond?: number;
}

/** The request sender's pacing, per process. */
export const createSendPacing = (options: SendPacingOptions = {}) => ({
  concurrency: Math.max(1, options.concurrency ?? 8),
  formGate: createRateGate(options.formsPerSecond ?? 40),
  sweep: createSweepThrottle(),
});
