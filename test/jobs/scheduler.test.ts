import type { Agenda } from '../../src/jobs/scheduler';
import { createScheduler } from '../../src/jobs/scheduler';
import { useTestDatabase } from '../support/database';
import { silentLog } from '../support/silent-log';

const log = silentLog();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

describe('agenda on the relink database', () => {
  const db = useTestDatabase('scheduler');
  const started: Agenda[] = [];
  const scheduler = (name: string) => {
    const agenda = createScheduler({ connection: db.connection, log, processEvery: 100, name });
    started.push(agenda);
    return agenda;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((a) => a.stop(false)));
    await db.connection.collection('jobs').deleteMany({});
  });

  it('runs a job scheduled now exactly once', async () => {
    const agenda = scheduler('solo');
    const runs: string[] = [];
    agenda.define('record', async (job) => {
      runs.push((job.attrs.data as { tag: string }).tag);
    });
    await agenda.start();
    await agenda.now('record', { tag: 'now' });
    await until(() => runs.length === 1);
    await sleep(500);
    expect(runs).toEqual(['now']);
  });

  it('runs a job scheduled in the future once, not before its time', async () => {
    const agenda = scheduler('future');
    const ranAt: number[] = [];
    agenda.define('later', async () => {
      ranAt.push(Date.now());
    });
    await agenda.start();
    const due = new Date(Date.now() + 1_000);
    await agenda.schedule(due, 'later', {});
    await until(() => ranAt.length === 1);
    await sleep(500);
    expect(ranAt).toHaveLength(1);
    expect(ranAt[0]).toBeGreaterThanOrEqual(due.getTime());
  });

  it('never runs the same job in two instances that share the collection', async () => {
    const runs: string[] = [];
    const workers = [scheduler('worker-a'), scheduler('worker-b')];
    for (const agenda of workers) {
      agenda.define(
        'claim',
        async (job) => {
          runs.push((job.attrs.data as { n: string }).n);
          await sleep(20);
        },
        { concurrency: 5 },
      );
    }
    const jobs = Array.from({ length: 30 }, (_, n) => String(n));
    for (const n of jobs) await workers[0]?.now('claim', { n });
    await Promise.all(workers.map((a) => a.start()));
    await until(() => runs.length >= jobs.length, 20_000);
    await sleep(500);
    expect([...runs].sort()).toEqual([...jobs].sort());
  });

  it('lets a running job finish when draining on shutdown', async () => {
    const agenda = scheduler('drain');
    let finished = false;
    let startedJob = false;
    agenda.define('slow', async () => {
      startedJob = true;
      await sleep(400);
      finished = true;
    });
    await agenda.start();
    await agenda.now('slow', {});
    await until(() => startedJob);
    const result = await agenda.drain({ timeout: 5_000, closeConnection: false });
    expect(finished).toBe(true);
    expect(result.timedOut).toBe(false);
  });
});
