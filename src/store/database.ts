import {
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import type { RelinkError } from '../domain/errors';
import type { Logger } from '../logger';
import {
  type EmbeddedDb,
  ensureEmbeddedDbBinary,
  findProjectRoot,
  type RestartPolicy,
  startEmbeddedDb,
} from './embedded-db';

export interface Database {
  readonly connection: Connection;
  /** Resolves when the server answers a ping within `timeoutMs`; false otherwise. */
  ping(timeoutMs?: number): Promise<boolean>;
  /**
   * False while the embedded database is being restarted or the driver has lost the server (a
   * failover): callers answer "try again later" at once instead of waiting for the driver's timeout.
   */
  isAvailable(): boolean;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A MongoDB/Atlas URI; null starts the embedded database under `dataDir`. */
  uri: string | null;
  dataDir: string;
  log: Logger;
  /**
   * The embedded database died and could not be restarted (see embedded-db.ts): relink must not run
   * on without it. With a URI the driver reconnects by itself for as long as it takes.
   */
  onLost?: (err: RelinkError) => void;
  /** How the embedded database is restarted when it dies (embedded-db.ts has the defaults). */
  restart?: Partial<RestartPolicy>;
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
    embedded = await startEmbeddedDb({
      binary,
      dataDir: options.dataDir,
      log: options.log,
      onGiveUp: options.onLost,
      restart: options.restart,
    });
    uri = embedded.uri;
  }
  try {
    const connection = await connect(uri, databaseNameOf(options.uri));
    const running = embedded;
    // readyState follows the driver's view: mongoose sets it to disconnected when the one server (or a
    // replica set's primary) is unknown, and back when the driver reconnects.
    const isAvailable = () => (running?.isRunning() ?? true) && connection.readyState === 1;
    return {
      connection,
      isAvailable,
      ping: async (timeoutMs = 2_000) => isAvailable() && (await ping(connection, timeoutMs)),
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

/**
 * Whether `err` says the database cannot be reached right now (restarting, failing over, network), as
 * opposed to a query the database refused: the first deserves "try again later", the second a bug report.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoTopologyClosedError
  )
    return true;
  // NotWritablePrimary, ShutdownInProgress and the like carry this label: the write never happened.
  if (err instanceof MongoError && err.hasErrorLabel('RetryableWriteError')) return true;
  // mongoose queues operations while disconnected and fails them after bufferTimeoutMS.
  return (
    err instanceof Error &&
    (err.name === 'MongooseServerSelectionError' || /buffering timed out/.test(err.message))
  );
}
