import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger';

/** One backlog: its gauge's name and help, and how to count it (a database read). */
export interface Backlog {
  name: string;
  help: string;
  read: () => Promise<number>;
}

export interface BacklogSampler {
  /** Counts every backlog once now; a failed count keeps its last value. Never rejects. */
  sample(): Promise<void>;
  /** A backlog's last count; null before the first one succeeded. */
  last(name: string): number | null;
  /** Samples now and then every `everyMs`, in the background. */
  start(): void;
  stop(): void;
}

/**
 * The backlog gauges, read from memory. A scrape must read no collection: on FerretDB a count reads
 * every document of its collection, and a Prometheus scraping every 15 s would do that for each
 * gauge. Instead the counts are taken on a timer of their own (one count per backlog per interval,
 * however often anyone scrapes), and `relink_backlogs_sampled_at_seconds` says how old they are.
 */
export function createBacklogSampler(deps: {
  registry: Registry;
  backlogs: Backlog[];
  everyMs: number;
  log: Logger;
}): BacklogSampler {
  const log = deps.log.child({ component: 'backlogs' });
  const gauges = deps.backlogs.map(
    (backlog) =>
      [backlog, new Gauge({ name: backlog.name, help: backlog.help, registers: [deps.registry] })] as const,
  );
  const sampledAt = new Gauge({
    name: 'relink_backlogs_sampled_at_seconds',
    help: 'When the backlog gauges were last counted (Unix time); 0 before the first count.',
    registers: [deps.registry],
  });
  const lastCounts = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let sampling: Promise<void> | null = null;

  async function countAll(): Promise<void> {
    let failed = 0;
    for (const [backlog, gauge] of gauges) {
      try {
        const count = await backlog.read();
        gauge.set(count);
        lastCounts.set(backlog.name, count);
      } catch (err) {
        failed += 1;
        log.debug({ err, gauge: backlog.name }, 'backlog count failed; keeping the last value');
      }
    }
    if (failed === 0) sampledAt.set(Date.now() / 1000);
    else log.warn({ failed }, 'some backlog counts failed; their gauges keep the last value');
  }

  const sampler: BacklogSampler = {
    last: (name) => lastCounts.get(name) ?? null,
    sample() {
      // One count at a time: a slow database must not stack them up.
      sampling ??= countAll().finally(() => {
        sampling = null;
      });
      return sampling;
    },
    start() {
      if (timer) return;
      void sampler.sample();
      timer = setInterval(() => void sampler.sample(), deps.everyMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return sampler;
}
