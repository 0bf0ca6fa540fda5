import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmbeddedDbBinary, findProjectRoot, startEmbeddedDb } from '../../src/store/embedded-db';
import { silentLog } from './silent-log';
import { type TestRun, testRun } from './test-run';

/**
 * Gives the run a temp directory of its own and starts one embedded FerretDB for the whole run (or uses
 * MONGODB_URI, e.g. a real MongoDB). Both reach the workers through the environment, which they inherit:
 * TMPDIR, so every scratch folder of the run (workers', child processes', the database's) is made inside
 * the run's and the teardown can tell what the run left; the database URI, under which each test file
 * uses its own database name.
 */
export default async function globalSetup(): Promise<void> {
  const run: TestRun = { tempRoot: await mkdtemp(join(tmpdir(), 'relink-test-run-')) };
  process.env.TMPDIR = run.tempRoot;
  testRun.set(run);
  if (process.env.MONGODB_URI) {
    process.env.RELINK_TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const log = silentLog();
  const binary = await ensureEmbeddedDbBinary({ projectRoot: findProjectRoot(), log });
  run.dbDataDir = join(run.tempRoot, 'test-db');
  await mkdir(run.dbDataDir);
  run.db = await startEmbeddedDb({ binary, dataDir: run.dbDataDir, log });
  process.env.RELINK_TEST_MONGODB_URI = run.db.uri;
  process.env.RELINK_TEST_DB_BINARY = binary;
}
