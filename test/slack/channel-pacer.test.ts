import { setTimeout as sleep } from 'node:timers/promises';
import { createChannelPacer } from '../../src/slack/channel-pacer';

const INTERVAL = 100;

describe('the channel pacer', () => {
  const clock = () => new Date();

  /** A post that takes `tookMs` to answer, recording when it started and when it was answered. */
  const recorder = () => {
    const calls: Array<{ channel: string; startedAt: number; answeredAt: number }> = [];
    const post =
      (channel: string, tookMs = 0) =>
      async () => {
        const startedAt = Date.now();
        if (tookMs > 0) await sleep(tookMs);
        calls.push({ channel, startedAt, answeredAt: Date.now() });
        return channel;
      };
    return { calls, post };
  };

  it('runs posts to one channel one at a time, an interval after the previous answer', async () => {
    const paced = createChannelPacer({ intervalMs: INTERVAL, clock });
    const { calls, post } = recorder();

    const answers = await Promise.all([
      paced('C1', post('C1', 30)),
      paced('C1', post('C1', 30)),
      paced('C1', post('C1')),
    ]);

    expect(answers).toEqual(['C1', 'C1', 'C1']);
    expect(calls).toHaveLength(3);
    for (let i = 1; i < calls.length; i++) {
      const previous = calls[i - 1];
      const current = calls[i];
      expect((current?.startedAt ?? 0) - (previous?.answeredAt ?? 0)).toBeGreaterThanOrEqual(INTERVAL);
    }
  });

  it('does not make one channel wait for another', async () => {
    const paced = createChannelPacer({ intervalMs: INTERVAL, clock });
    const { calls, post } = recorder();
    const startedAt = Date.now();

    await Promise.all([paced('C1', post('C1')), paced('C1', post('C1')), paced('C2', post('C2'))]);

    const c2 = calls.find((c) => c.channel === 'C2');
    expect((c2?.startedAt ?? Infinity) - startedAt).toBeLessThan(INTERVAL);
  });

  it('does not wait before the first post, nor once the interval has passed', async () => {
    const paced = createChannelPacer({ intervalMs: INTERVAL, clock });
    const { calls, post } = recorder();

    await paced('C1', post('C1'));
    await sleep(INTERVAL + 20);
    const before = Date.now();
    await paced('C1', post('C1'));

    expect((calls[1]?.startedAt ?? Infinity) - before).toBeLessThan(INTERVAL / 2);
  });

  it('passes a failed post on to its caller, and still spaces the next one', async () => {
    const paced = createChannelPacer({ intervalMs: INTERVAL, clock });
    const { calls, post } = recorder();
    const failedAt: number[] = [];
    const refused = async () => {
      failedAt.push(Date.now());
      throw new Error('refused');
    };

    const [failure, next] = await Promise.allSettled([paced('C1', refused), paced('C1', post('C1'))]);

    expect(failure).toMatchObject({ status: 'rejected', reason: new Error('refused') });
    expect(next).toEqual({ status: 'fulfilled', value: 'C1' });
    expect((calls[0]?.startedAt ?? 0) - (failedAt[0] ?? 0)).toBeGreaterThanOrEqual(INTERVAL);
  });

  it('waits one interval, not forever, when the clock stands still', async () => {
    const frozen = new Date('2026-03-12T10:45:00Z');
    const paced = createChannelPacer({ intervalMs: INTERVAL, clock: () => frozen });
    const { calls, post } = recorder();

    await Promise.all([paced('C1', post('C1')), paced('C1', post('C1'))]);

    expect((calls[1]?.startedAt ?? 0) - (calls[0]?.answeredAt ?? 0)).toBeGreaterThanOrEqual(INTERVAL - 5);
    expect((calls[1]?.startedAt ?? Infinity) - (calls[0]?.answeredAt ?? 0)).toBeLessThan(3 * INTERVAL);
  });
});
