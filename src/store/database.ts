import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../logger';
import { type EmbeddedDb, ensureEmbeddedDbBinary, findProjectRoot, startEmbeddedDb } from './embedded-db';

export interface Database {
  readonly connection: Connection;
  /** Resolves when the server answers a ping within `timeoutMs`; false otherwise. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A MongoDB/Atlas URI; null starts the embedded database under `dataDir`. */
  uri: string | null;
  dataDir: string;
  log: Logger;
}

/** The database named in the URI's path (`mongodb://host/name`), else `relink`. */
export const databaseNameOf = (uri: string | null): string =>
  (uri && /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri)?.[1]) || 'relink';

/**
 * Connects mongoose to `uri`, or to the embedded database it starts when `uri` is null. Uses its own
 * connection (not mongoose's global one) so tests and tools can hold several side by side.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let embedded: EmbeddedDb | null = null;
  let uri = options.uri;
  if (!uri) {
    const binary = await ensureEmbeddedDbBinary({ projectRoot: findProjectRoot(), log: options.log });
    embedded = await startEmbeddedDb({ binary, dataDir: options.dataDir, log: options.log });
    uri = embedded.uri;
  }
  try {
    const connection = await connect(uri, databaseNameOf(options.uri));
    return {
      connection,
      ping: (timeoutMs = 2_000) => ping(connection, timeoutMs),
      async close() {
        await connection.close();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

/** Opens a mongoose connection with settings that suit both Atlas and the embedded FerretDB. */
export function connect(uri: string, dbName: string): Promise<Connection> {
  return mongoose
    .createConnection(uri, {
      dbName,
      serverSelectionTimeoutMS: 10_000,
      // Indexes are created explicitly by each store's `init()`, so startup fails loudly if one cannot be.
      autoIndex: false,
      autoCreate: false,
    })
    .asPromise();
}

async function ping(connection: Connection, timeoutMs: number): Promise<boolean> {
  const db = connection.db;
  if (!db || connection.readyState !== 1) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), timeoutMs);
  });
  try {
    const answer = db
      .command({ ping: 1 }, { timeoutMS: timeoutMs })
      .then((r) => r.ok === 1)
      .catch(() => false);
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
