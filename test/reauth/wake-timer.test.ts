import { createWakeTimer } from '../../src/reauth/wake-timer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the send deadline timer', () => {
  const clock = () => new Date();
  const later = (ms: number) => new Date(Date.now() + ms);

  it('runs once at the earliest deadline asked for', async () => {
    const runs: number[] = [];
    const timer = createWakeTimer(() => runs.push(Date.now()), clock);
    const start = Date.now();
    timer.at(later(400));
    timer.at(later(100));
    timer.at(later(300));
    await sleep(250);
    expect(runs).toHaveLength(1);
    expect((runs[0] ?? 0) - start).toBeGreaterThanOrEqual(100);
    timer.at(later(50));
    await sleep(150);
    expect(runs).toHaveLength(2);
    timer.stop();
  });

  it('never runs after it was stopped, nor without a step to run', async () => {
    const runs: number[] = [];
    const timer = createWakeTimer(() => runs.push(1), clock);
    timer.at(later(30));
    timer.stop();
    timer.at(later(10));
    createWakeTimer(null, clock).at(later(10));
    await sleep(100);
    expect(runs).toEqual([]);
  });
});
