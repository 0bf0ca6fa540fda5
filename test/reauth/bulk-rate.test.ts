import { createRateGate, inParallel } from '../../src/reauth/bulk-rate';

describe('the rate gate', () => {
  it('spaces a burst of callers to the rate', async () => {
    const gate = createRateGate(100);
    const started = performance.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, () => gate.wait().then(() => times.push(performance.now()))),
    );
    // 20 calls at 100 per second: the last starts about 190 ms after the first.
    expect(Math.max(...times) - started).toBeGreaterThanOrEqual(180);
  });
});

describe('inParallel', () => {
  it('runs every item, never more than the concurrency at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await inParallel([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      done.push(n);
      running--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });
});
