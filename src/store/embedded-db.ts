import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { RelinkError } from '../domain/errors';
import type { Logger } from '../logger';

/** The Go program that embeds FerretDB lives here, with its own go.mod and go.sum. */
const SOURCE_FILES = ['go.mod', 'go.sum', 'main.go'];

export interface EmbeddedDb {
  readonly uri: string;
  readonly port: number;
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

async function sourceHash(sourceDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of SOURCE_FILES) hash.update(await readFile(join(sourceDir, file)));
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
 * changed (the binary is keyed by a hash of go.mod, go.sum and main.go, so a rebuild is never stale).
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

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => resolvePromise(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise(true);
    });
  });
}

export interface StartEmbeddedDbOptions {
  binary: string;
  dataDir: string;
  log: Logger;
  /** Listen on this port; default: a free one. */
  port?: number;
  readyTimeoutMs?: number;
}

/** Starts the embedded database as a child process and resolves once it accepts connections. */
export async function startEmbeddedDb(options: StartEmbeddedDbOptions): Promise<EmbeddedDb> {
  const dir = resolve(options.dataDir, 'ferretdb');
  await mkdir(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const child = spawn(options.binary, ['-listen', `127.0.0.1:${port}`, '-dir', dir, '-exit-with-stdin'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const spawnError = new Promise<Error>((r) => child.once('error', r));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  for (;;) {
    const failed = await Promise.race([spawnError, sleep(0).then(() => null)]);
    if (failed || child.exitCode !== null) {
      throw new RelinkError(
        'embedded_db_unavailable',
        `the embedded database stopped while starting: ${failed?.message ?? stderr.trim()}`,
      );
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new RelinkError(
        'embedded_db_unavailable',
        `the embedded database did not listen on ${port} in time`,
      );
    }
    await sleep(50);
  }
  options.log.info({ port, dataDir: dir }, 'embedded database ready');

  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 5_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 2_000);
      }
    },
  };
}
