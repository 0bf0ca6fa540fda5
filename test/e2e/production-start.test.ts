import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ensureEmbeddedDbBinary, findProjectRoot } from '../../src/store/embedded-db';
import { eventually } from '../support/eventually';
import { freePort } from '../support/relink-process';
import { silentLog } from '../support/silent-log';

/*
 * The production path, exactly as the Dockerfile takes it: build dist/ with the dev dependencies, copy
 * the built app (dist/, package files, scripts/, the embedded database's sources and its built binary)
 * to a clean folder, `npm ci --omit=dev` there (no TypeScript), `npm start` on the embedded database,
 * /healthz answers 200, and SIGTERM leaves no process behind.
 */

jest.setTimeout(420_000);

const ROOT = findProjectRoot();
const work = mkdtempSync(join(tmpdir(), 'relink-production-'));
const app = join(work, 'app');
const dataDir = join(work, 'data');

/** Runs a command to its end; resolves with its exit code and the tail of its output. */
function run(command: string, args: string[], cwd: string, env = process.env) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Every process on the machine whose working folder or command line is inside `folder`. */
function processesUnder(folder: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cwd.startsWith(folder) || args.includes(folder)) found.push(`${pid}: ${args}`);
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return found;
}

/** The exec-form (JSON) command of a Dockerfile instruction such as `CMD [...]`. */
function dockerfileCommand(instruction: 'CMD' | 'HEALTHCHECK'): string[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const line = text.split('\n').find((l) => l.startsWith(`${instruction} `));
  const json = line?.slice(line.indexOf('[')) ?? '';
  return JSON.parse(json) as string[];
}

/** The production app running from `app`: its output so far, and its end (all its output read). */
function startApp(command: string[], port: number, options: { ownGroup: boolean }) {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, {
    cwd: app,
    // Its own process group when started like a terminal starts it, so Ctrl-C reaches every process.
    detached: options.ownGroup,
    // No Go on the PATH: the binary built in the build stage must be the one used.
    env: {
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: process.env.HOME ?? '/root',
      NODE_ENV: 'production',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_PRETTY: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, output: () => output, closed };
}

const running = new Set<ChildProcess>();

async function healthOf(port: number, app: ReturnType<typeof startApp>) {
  return eventually(
    async () => {
      if (app.child.exitCode !== null) throw new Error(`relink exited while starting:\n${app.output()}`);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      return res?.status === 200 ? { status: res.status, body: await res.json() } : undefined;
    },
    'relink to answer /healthz',
    120_000,
  );
}

async function nothingLeftUnder(folder: string): Promise<void> {
  await eventually(() => processesUnder(folder).length === 0, 'every relink process to end', 10_000).catch(
    () => {
      throw new Error(`left behind:\n${processesUnder(folder).join('\n')}`);
    },
  );
}

describe('the production start path: built app, production dependencies only', () => {
  afterAll(() => {
    for (const child of running) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  beforeAll(async () => {
    // Build stage: `npm run build`'s compiler and config, into the clean folder.
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = await run(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--outDir', join(app, 'dist')],
      ROOT,
    );
    expect({ code: build.code, output: build.output }).toEqual({ code: 0, output: '' });
    // `npm run build:db`: the embedded database, built once with Go, reused by hash.
    const binary =
      process.env.RELINK_TEST_DB_BINARY ??
      (await ensureEmbeddedDbBinary({ projectRoot: ROOT, log: silentLog() }));

    // Runtime stage: what the Dockerfile copies, and nothing else.
    for (const file of ['package.json', 'package-lock.json', 'scripts', 'embedded-db'])
      cpSync(join(ROOT, file), join(app, file), { recursive: true });
    const cached = join(app, '.cache', 'embedded-db', basename(dirname(binary)));
    mkdirSync(cached, { recursive: true });
    cpSync(binary, join(cached, 'relink-db'));

    const install = await run(
      'npm',
      ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      app,
    );
    expect({ code: install.code, output: install.code === 0 ? '' : install.output }).toEqual({
      code: 0,
      output: '',
    });
  }, 400_000);

  it('installs no dev dependency', () => {
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', '@swc', 'core'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'mongoose'))).toBe(true);
  });

  it('npm start runs the built app on the embedded database without compiling, and Ctrl-C stops everything', async () => {
    const port = await freePort();
    const relink = startApp(['npm', 'start'], port, { ownGroup: true });
    expect(await healthOf(port, relink)).toEqual({ status: 200, body: { db: 'ok' } });
    expect(relink.output()).not.toMatch(/building the embedded database|building dist/);
    expect(processesUnder(dataDir).some((p) => p.includes('relink-db'))).toBe(true);

    // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
    process.kill(-(relink.child.pid as number), 'SIGINT');
    await relink.closed;
    expect(relink.output()).toMatch(/"msg":"relink stopped"/);
    await nothingLeftUnder(work);
  });

  it("the Dockerfile's CMD is healthy by its HEALTHCHECK and stops cleanly on SIGTERM (docker stop)", async () => {
    const port = await freePort();
    const relink = startApp(dockerfileCommand('CMD'), port, { ownGroup: false });
    expect(await healthOf(port, relink)).toEqual({ status: 200, body: { db: 'ok' } });
    const [check, ...checkArgs] = dockerfileCommand('HEALTHCHECK') as [string, ...string[]];
    const healthcheck = await run(check, checkArgs, app, { ...process.env, PORT: String(port) });
    expect(healthcheck.code).toBe(0);

    relink.child.kill('SIGTERM');
    expect(await relink.closed).toEqual({ code: 0, signal: null });
    expect(relink.output()).toMatch(/"msg":"relink stopped"/);
    await nothingLeftUnder(work);
    // The healthcheck fails once relink is gone, as Docker must see it.
    expect((await run(check, checkArgs, app, { ...process.env, PORT: String(port) })).code).toBe(1);
  });
});
