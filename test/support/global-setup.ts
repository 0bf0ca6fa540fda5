import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmbeddedDbBinary, findProjectRoot, startEmbeddedDb } from '../../src/store/embedded-db';
import { silentLog } from './silent-log';

/**
 * Starts one embedded FerretDB for the whole run (or uses MONGODB_URI, e.g. a real MongoDB) and hands
 * its URI to the workers through the environment; each test file then uses its own database name.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.RELINK_TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const log = silentLog();
  const binary = await ensureEmbeddedDbBinary({ projectRoot: findProjectRoot(), log });
  const dataDir = await mkdtemp(join(tmpdir(), 'relink-test-db-'));
  const db = await startEmbeddedDb({ binary, dataDir, log });
  process.env.RELINK_TEST_MONGODB_URI = db.uri;
  process.env.RELINK_TEST_DB_BINARY = binary;
  (globalThis as { relinkTestDb?: typeof db }).relinkTestDb = db;
}
