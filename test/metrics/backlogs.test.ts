import type { CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { backlogGauges } from '../../src/http/backlog-gauges';
import { metricsRoute } from '../../src/http/metrics';
import { closeServer, createHttpServer, listen } from '../../src/http/server';
import { createBacklogSampler } from '../../src/metrics/backlogs';
import { createMetrics } from '../../src/metrics/metrics';
import { connect } from '../../src/store/database';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text';
import { silentLog } from '../support/silent-log';
import { storesWithWorklist } from '../support/worklist';

const log = silentLog();
const DOCUMENTS = 100_000;
const SCRAPES = 20;

/** relink's metrics over a database of its own, with the driver reporting every command it sends. */
async function metricsOver(label: string) {
  const connection = await connect(`${testDatabaseUri()}?monitorCommands=true`, uniqueDbName(label));
  const stores = await storesWithWorklist(connection);
  const metrics = createMetrics();
  // An hour: in these tests only the explicit sample() counts.
  const sampler = createBacklogSampler({
    registry: metrics.registry,
    backlogs: backlogGauges(stores),
    everyMs: 3_600_000,
    log,
  });
  const server = createHttpServer({ routes: [metricsRoute({ registry: metrics.registry })], log });
  const port = await listen(server, 0, '127.0.0.1');
  const commands: string[] = [];
  connection.getClient().on('commandStarted', (event: CommandStartedEvent) => {
    commands.push(`${event.commandName} ${String(event.command[event.commandName])}`);
  });
  return {
    connection,
    sampler,
    commands,
    async scrape() {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      return parsePrometheusText(await response.text());
    },
    async close() {
      await closeServer(server);
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    },
  };
}

/** Milliseconds for `SCRAPES` scrapes, and the commands the database received meanwhile. */
async function timeScrapes(world: Awaited<ReturnType<typeof metricsOver>>) {
  world.commands.length = 0;
  const started = performance.now();
  for (let i = 0; i < SCRAPES; i++) await world.scrape();
  return { ms: performance.now() - started, commands: [...world.commands] };
}

async function insertRequests(connection: Connection, count: number) {
  const collection = connection.collection('reauth_requests');
  for (let i = 0; i < count; i += 10_000) {
    await collection.insertMany(
      Array.from({ length: Math.min(10_000, count - i) }, (_, j) => ({
        status: (i + j) % 10 ? 'sent' : 'queued',
      })),
      { ordered: false },
    );
  }
}

describe('backlog gauges', () => {
  it(`scrapes read no collection: as fast with ${DOCUMENTS.toLocaleString('en')} requests stored as with none`, async () => {
    const empty = await metricsOver('backlogs-empty');
    const full = await metricsOver('backlogs-full');
    try {
      await insertRequests(full.connection, DOCUMENTS);
      await empty.sampler.sample();
      const sampleStarted = performance.now();
      await full.sampler.sample();
      const sampleMs = performance.now() - sampleStarted;
      // The sample (what the timer does once a minute) counts requests in the in-memory worklist, not
      // in the collection; these requests name no known authorization, so none is any's latest …
      expect(full.commands.filter((c) => c.startsWith('aggregate reauth_requests'))).toEqual([]);
      expect(sampleValue(await full.scrape(), 'relink_requests_queued')).toBe(0);

      await empty.scrape(); // warm up: the first serialization compiles prom-client's paths
      await full.scrape();
      const baseline = await timeScrapes(empty);
      const loaded = await timeScrapes(full);
      // … and a scrape sends nothing at all to the database.
      expect(loaded.commands).toEqual([]);
      expect(baseline.commands).toEqual([]);
      // One count of 100,000 documents takes far longer than 20 scrapes from memory (a few ms each).
      expect(loaded.ms).toBeLessThan(baseline.ms * 3 + 50);
      process.stdout.write(
        `${SCRAPES} scrapes: ${loaded.ms.toFixed(0)} ms with ${DOCUMENTS} requests, ${baseline.ms.toFixed(0)} ms ` +
          `with none; one sample (the counts) ${sampleMs.toFixed(0)} ms\n`,
      );
    } finally {
      await empty.close();
      await full.close();
    }
  }, 180_000);

  it('keeps the last value of a count that fails, and says when the counts were last complete', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let answer: () => Promise<number> = async () => 7;
    const sampler = createBacklogSampler({
      registry: metrics.registry,
      backlogs: [{ name: 'relink_test_backlog', help: 'A backlog.', read: () => answer() }],
      everyMs: 3_600_000,
      log,
    });
    await sampler.sample();
    const first = parsePrometheusText(await metrics.registry.metrics());
    expect(sampleValue(first, 'relink_test_backlog')).toBe(7);
    const sampledAt = sampleValue(first, 'relink_backlogs_sampled_at_seconds') ?? 0;
    expect(sampledAt).toBeGreaterThan(0);

    answer = async () => {
      throw new Error('database unavailable');
    };
    await new Promise((r) => setTimeout(r, 20));
    await sampler.sample();
    const second = parsePrometheusText(await metrics.registry.metrics());
    expect(sampleValue(second, 'relink_test_backlog')).toBe(7);
    expect(sampleValue(second, 'relink_backlogs_sampled_at_seconds')).toBe(sampledAt);
  });
});
