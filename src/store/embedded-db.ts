import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { RelinkError } from '../domain/errors';
import type { Logger } from '../logger';
import { freePort, sleep, spawnReady, waitForExit } from './embedded-db-process';

export interface EmbeddedDb {
  readonly uri: string;
  readonly port: number;
  /** False from the moment the process exits until its replacement accepts connections. */
  isRunning(): boolean;
  /** The process serving now; undefined while it is being restarted. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Walks up from this file to the folder that holds `embedded-db/go.mod` (works from src/ and dist/). */
export function findProjectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'embedded-db', 'go.mod'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find embedded-db/go.mod above ${from}`);
    dir = parent;
  }
  return dir;
}

/** The files `go build` reads: the module's go.mod and go.sum, and its Go sources. */
async function sourceHash(sourceDir: string): Promise<string> {
  const hash = createHash('sha256');
  const sources = (await readdir(sourceDir))
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
    .sort();
  for (const file of ['go.mod', 'go.sum', ...sources])
    hash.update(`${file}\n`).update(await readFile(join(sourceDir, file)));
  return hash.digest('hex').slice(0, 16);
}

const goMissing = () =>
  new RelinkError(
    'embedded_db_unavailable',
    'MONGODB_URI is not set, so relink runs its embedded database (FerretDB), which is built with Go on ' +
      'first use, but the `go` command was not found on PATH. Either install Go 1.24 or newer ' +
      '(https://go.dev/doc/install) and start relink again, or set MONGODB_URI to a MongoDB or Atlas ' +
      'connection string.',
  );

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

/**
 * Returns the path of the embedded database binary, building it with `go build` when the sources
 * changed (the binary is keyed by a hash of go.mod, go.sum and the Go sources, so a rebuild is never stale).
 */
export async function ensureEmbeddedDbBinary(options: {
  projectRoot: string;
  log: Logger;
  /** The Go command; tests point it at a missing file. */
  go?: string;
}): Promise<string> {
  const sourceDir = join(options.projectRoot, 'embedded-db');
  const binary = join(options.projectRoot, '.cache', 'embedded-db', await sourceHash(sourceDir), 'relink-db');
  if (existsSync(binary)) return binary;

  options.log.info({ binary }, 'building the embedded database with go (first start only)');
  await mkdir(dirname(binary), { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  let result: { code: number | null; output: string };
  try {
    result = await run(options.go ?? 'go', ['build', '-trimpath', '-o', partial, '.'], sourceDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw goMissing();
    throw err;
  }
  if (result.code !== 0) {
    throw new RelinkError(
      'embedded_db_unavailable',
      `building the embedded database failed (go build exited ${result.code}):\n${result.output.slice(-2000)}`,
    );
  }
  // rename is atomic: two processes building at once both end with a complete binary.
  await rename(partial, binary);
  return binary;
}

export interface RestartPolicy {
  /** Restarts allowed within `windowMs`; one more unexpected exit and the database is given up. */
  maxRestarts: number;
  windowMs: number;
  /** Pause before each restart, so a database that dies at once does not spin. */
  delayMs: number;
}

/** Five restarts a minute: a crash now and then is ridden out, a crash loop is handed to a supervisor. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = { maxRestarts: 5, windowMs: 60_000, delayMs: 500 };

export interface StartEmbeddedDbOptions {
  binary: string;
  dataDir: string;
  log: Logger;
  /** Listen on this port; default: a free one. */
  port?: number;
  readyTimeoutMs?: number;
  restart?: Partial<RestartPolicy>;
  /**
   * Called once when the database exited more often than the restart policy allows, or could not be
   * started again: relink must not run on without it (src/main.ts exits for its supervisor).
   */
  onGiveUp?: (err: RelinkError) => void;
}

/**
 * Starts the embedded database as a child process and resolves once it accepts connections. If the
 * process then exits on its own (killed, crashed), it is started again on the same data and port, where
 * the driver reconnects by itself; past the restart policy, `onGiveUp` is called.
 */
export async function startEmbeddedDb(options: StartEmbeddedDbOptions): Promise<EmbeddedDb> {
  const dir = resolve(options.dataDir, 'ferretdb');
  await mkdir(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const policy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
  const log = options.log.child({ component: 'embedded-db', port });
  let current: ChildProcess | null = null;
  let stopping = false;
  let gaveUp = false;
  const restarts: number[] = [];

  const giveUp = (reason: string) => {
    if (gaveUp) return;
    gaveUp = true;
    const err = new RelinkError('embedded_db_unavailable', `the embedded database is gone: ${reason}`);
    log.fatal({ restarts: restarts.length, windowMs: policy.windowMs }, 'embedded database given up');
    options.onGiveUp?.(err);
  };

  const watch = (child: ChildProcess, output: { stderr: string }) => {
    current = child;
    child.once('exit', (code, signal) => {
      current = null;
      if (stopping) return;
      log.error({ code, signal, stderr: output.stderr.trim().slice(-500) }, 'embedded database exited');
      void restart(`it exited (${signal ?? `code ${code}`})`);
    });
  };

  async function restart(reason: string): Promise<void> {
    const now = Date.now();
    while (restarts.length > 0 && (restarts[0] as number) <= now - policy.windowMs) restarts.shift();
    if (restarts.length >= policy.maxRestarts) {
      giveUp(`${reason}, after ${restarts.length} restart(s) within ${policy.windowMs / 1000} s`);
      return;
    }
    restarts.push(now);
    await sleep(policy.delayMs);
    if (stopping) return;
    try {
      const { child, output } = await spawnReady(options, dir, port);
      if (stopping) {
        child.kill('SIGTERM');
        return;
      }
      watch(child, output);
      log.warn({ restarts: restarts.length }, 'embedded database restarted');
    } catch (err) {
      // Counted like an exit: a database that cannot start again is given up within the policy.
      await restart(err instanceof Error ? err.message : String(err));
    }
  }

  const first = await spawnReady(options, dir, port);
  watch(first.child, first.output);
  log.info({ dataDir: dir }, 'embedded database ready');

  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    isRunning: () => current !== null,
    get pid() {
      return current?.pid;
    },
    async stop() {
      stopping = true;
      const child = current;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 5_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 2_000);
      }
    },
  };
}
