import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EmbeddedDb,
  ensureEmbeddedDbBinary,
  findProjectRoot,
  startEmbeddedDb,
} from '../src/store/embedded-db';
import { silentLog } from '../test/support/silent-log';
import { bulkCase } from './cases/bulk';
import { click200Case } from './cases/click-200';
import { homePublishCase } from './cases/home-publish';
import { ingestCase } from './cases/ingest';
import { lanesCase } from './cases/lanes';
import { pruneCase } from './cases/prune';
import { reauthClickCase } from './cases/reauth-click';
import { stormCase } from './cases/storm';
import { type BenchCase, type BenchContext, BenchFailure } from './types';

/** Every case, in run order. `npm run bench -- ingest` runs only the named ones. */
const CASES: BenchCase[] = [
  ingestCase,
  reauthClickCase,
  click200Case,
  homePublishCase,
  pruneCase,
  stormCase,
  bulkCase,
  lanesCase,
];

/** `mongodb://host[:port][/db][?opts]` → the same URI naming `dbName` instead. */
export function withDatabase(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`MONGODB_URI is not a mongodb:// URI: ${uri}`);
  return `${match[1]}/${dbName}${match[2] ?? ''}`;
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !CASES.some((c) => c.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown bench case(s): ${unknown.join(', ')}; known: ${CASES.map((c) => c.name)}\n`,
    );
    return 2;
  }
  const cases = wanted.length === 0 ? CASES : CASES.filter((c) => wanted.includes(c.name));
  const log = silentLog();

  let embedded: EmbeddedDb | null = null;
  let dataDir: string | null = null;
  let serverUri = process.env.MONGODB_URI?.trim() || '';
  let failed = 0;
  try {
    if (serverUri) {
      process.stdout.write('database: MONGODB_URI\n');
    } else {
      dataDir = await mkdtemp(join(tmpdir(), 'relink-bench-'));
      const binary = await ensureEmbeddedDbBinary({ projectRoot: findProjectRoot(), log });
      embedded = await startEmbeddedDb({ binary, dataDir, log });
      serverUri = embedded.uri;
      process.stdout.write('database: embedded (FerretDB)\n');
    }
    const uri = serverUri;
    const context: BenchContext = {
      serverUri: uri,
      log,
      databaseUri: (label) =>
        withDatabase(uri, `relink_bench_${label.replace(/\W+/g, '_')}_${randomBytes(3).toString('hex')}`),
    };
    for (const benchCase of cases) {
      process.stdout.write(`\n== ${benchCase.name}\n`);
      try {
        await benchCase.run(context);
      } catch (err) {
        failed++;
        process.stdout.write(
          `FAILED ${benchCase.name}: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        if (!(err instanceof BenchFailure)) console.error(err);
      }
    }
  } finally {
    const stopping = performance.now();
    await embedded?.stop();
    if (embedded)
      process.stdout.write(
        `embedded database stopped in ${((performance.now() - stopping) / 1000).toFixed(2)} s\n`,
      );
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
  return failed === 0 ? 0 : 1;
}

// Everything the run started is stopped by now; exiting explicitly keeps a library's idle timer (seen:
// ~5 minutes after larger runs) from holding the process open.
main().then(
  (code) => {
    if (process.env.BENCH_DEBUG) console.error('active resources:', process.getActiveResourcesInfo());
    process.exit(code);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
