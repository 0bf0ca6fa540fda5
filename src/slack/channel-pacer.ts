import { setTimeout as sleep } from 'node:timers/promises';

export interface ChannelPacerOptions {
  /** Slack allows about one message per second per channel; thread replies count. */
  intervalMs: number;
  clock: () => Date;
}

/**
 * Runs posts to one channel one at a time, `intervalMs` apart, measured from Slack's previous answer so
 * the arrivals are spaced too. Channels do not wait for each other. Measured with the injected clock:
 * a frozen test clock just waits one interval each time.
 */
export function createChannelPacer({ intervalMs, clock }: ChannelPacerOptions) {
  const lastPostAt = new Map<string, number>();
  const queues = new Map<string, Promise<unknown>>();

  async function waitTurn(channel: string): Promise<void> {
    const last = lastPostAt.get(channel);
    if (last === undefined) return;
    const wait = Math.min(intervalMs, last + intervalMs - clock().getTime());
    if (wait <= 0) return;
    await sleep(wait);
    // Timers can fire a hair early against the wall clock.
    const left = last + intervalMs - clock().getTime();
    if (left > 0 && left < wait) await sleep(left);
  }

  return function paced<T>(channel: string, post: () => Promise<T>): Promise<T> {
    const run = (queues.get(channel) ?? Promise.resolve()).then(async () => {
      await waitTurn(channel);
      try {
        return await post();
      } finally {
        lastPostAt.set(channel, clock().getTime());
      }
    });
    // A failed post still spaces the next one, but must not fail it.
    queues.set(
      channel,
      run.catch(() => undefined),
    );
    return run;
  };
}

export type ChannelPacer = ReturnType<typeof createChannelPacer>;
