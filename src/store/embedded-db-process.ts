import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { RelinkError } from '../domain/errors';

/*
 * The embedded database's process, one run of it: spawn, wait until it listens, wait for it to exit.
 * embedded-db.ts decides when to start one and what to do when it ends.
 */

export function freePort(): Promise<number> {
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => resolvePromise(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise(true);
    });
  });
}

export interface SpawnOptions {
  binary: string;
  readyTimeoutMs?: number;
}

/** Spawns the database on `port` and resolves once it accepts connections. */
export async function spawnReady(options: SpawnOptions, dir: string, port: number) {
  const child = spawn(options.binary, ['-listen', `127.0.0.1:${port}`, '-dir', dir, '-exit-with-stdin'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const output = { stderr: '' };
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr = (output.stderr + chunk).slice(-4000);
  });
  const spawnError = new Promise<Error>((r) => child.once('error', r));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  for (;;) {
    const failed = await Promise.race([spawnError, sleep(0).then(() => null)]);
    if (failed || child.exitCode !== null || child.signalCode !== null) {
      throw new RelinkError(
        'embedded_db_unavailable',
        `the embedded database stopped while starting: ${failed?.message ?? output.stderr.trim()}`,
      );
    }
    if (await canConnect(port)) return { child, output };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new RelinkError(
        'embedded_db_unavailable',
        `the embedded database did not listen on ${port} in time`,
      );
    }
    await sleep(50);
  }
}
