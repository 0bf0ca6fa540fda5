import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { StartOptions } from '../../src/main';

const HERE = join(__dirname, 'relink-process');

export interface RelinkProcess {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** Every JSON log line it wrote. */
  readonly logs: readonly Record<string, unknown>[];
  /** Sends `signal` (SIGKILL: no cleanup at all; SIGSTOP freezes it) and, unless freezing, waits for it to end. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A free loopback port for a relink process, kept across its restarts, as a deployment's URL is. It is
 * chosen below the kernel's ephemeral range (32768+ on Linux), where stand-ins and clients get their
 * ports, and in a block of its own per jest worker: a port freed by a killed relink is then never
 * handed to anything else while relink restarts.
 */
export async function freePort(): Promise<number> {
  const block = 20_000 + (Number(process.env.JEST_WORKER_ID ?? '1') % 10) * 1_000;
  for (let tries = 0; tries < 50; tries++) {
    const port = block + Math.floor(Math.random() * 1_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error('no free port for relink');
}

const running = new Set<ChildProcess>();

/** Kills every relink process still running (afterAll): a failed test must not leave one behind. */
export async function killAllRelinkProcesses(): Promise<void> {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/**
 * Starts relink as its own Node process (src/main.ts's startRelink, compiled on load), with `env` as
 * its whole configuration, and resolves once it listens. Nothing is shared with the test process but
 * the database and the stand-ins' URLs, so killing it is a real crash.
 */
export function startRelinkProcess(
  env: Record<string, string>,
  options: StartOptions = {},
): Promise<RelinkProcess> {
  const child = spawn(
    process.execPath,
    ['-r', join(__dirname, 'register-typescript.js'), join(HERE, 'child.ts')],
    {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        LOG_PRETTY: 'false',
        ...env,
        RELINK_TEST_START_OPTIONS: JSON.stringify(options),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        logs.push(entry);
        if (entry.msg === 'relink is up' && typeof entry.port === 'number') {
          const port = entry.port;
          resolve({
            pid: child.pid ?? 0,
            port,
            url: `http://127.0.0.1:${port}`,
            logs,
            async kill(signal = 'SIGKILL') {
              child.kill(signal);
              if (signal !== 'SIGSTOP') await exited;
            },
          });
        }
      }
    });
    void exited.then(() => reject(new Error(`relink exited before it was up: ${stderr.slice(-2000)}`)));
  });
}
