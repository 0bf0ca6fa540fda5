import { spawn } from 'node:child_process';
import { connect as connectTcp, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startRelink } from '../src/main';
import { databaseNameOf } from '../src/store/database';
import { testDatabaseUri, uniqueDbName } from './support/database';
import { silentLog } from './support/silent-log';
import { createSlackStandin } from './support/slack-standin';
import { useTempDirs } from './support/temp-dirs';

const tempDir = useTempDirs();

describe('startRelink', () => {
  it('comes up on the configured database, serves /healthz, and stops cleanly', async () => {
    const config = loadConfig({ PORT: '0', MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('main')}` });
    const relink = await startRelink(config, silentLog());
    try {
      const health = await fetch(`http://127.0.0.1:${relink.port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ db: 'ok' });
    } finally {
      await relink.stop();
    }
    await expect(fetch(`http://127.0.0.1:${relink.port}/healthz`)).rejects.toThrow();
  });

  it('stops everything it started: nothing queries the closed database after stop()', async () => {
    const config = loadConfig({ PORT: '0', MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('main')}` });
    const { log, logged } = capturedLog();
    const relink = await startRelink(config, log, { backlogSampleEveryMs: 50 });
    await relink.stop();
    const stoppedAt = logged().findIndex((line) => line.msg === 'relink stopped');
    expect(stoppedAt).toBeGreaterThanOrEqual(0);
    await sleep(500);
    // The backlog sampler, once left running, counted the outbox of a closed database ten times a second.
    expect(logged().slice(stoppedAt + 1)).toEqual([]);
  });
});

/** A port some other program already listens on, as relink's PORT would be in a clash. */
async function takenPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server };
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** A logger whose lines the test reads back, as JSON. */
function capturedLog() {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', pretty: false }, { write: (line: string) => lines.push(line) });
  const logged = () => lines.map((line) => JSON.parse(line) as { msg: string; port?: number });
  return { log, logged };
}

const embeddedDbPort = (logged: { msg: string; port?: number }[]) =>
  logged.find((line) => line.msg === 'embedded database ready')?.port;

/**
 * What keeps this process's event loop alive, by kind (sockets, timers, child processes), so a test
 * can say a failed start left nothing of its own running.
 */
const liveResources = (): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
};

async function expectNothingLeftRunning(before: Record<string, number>): Promise<void> {
  // Closed sockets and exited children leave the list once their close callbacks ran.
  const deadline = Date.now() + 5_000;
  let now = liveResources();
  // Timers are left out: agenda starts a 5-minute timer for every job run and never clears it (see
  // jest.config.js), so whether one is pending depends on when the start failed. Sockets and child
  // processes are what would keep a failed relink alive; main() exits explicitly besides, and the
  // test below shows the real program exiting.
  const grown = () =>
    Object.entries(now).filter(([kind, n]) => kind !== 'Timeout' && n > (before[kind] ?? 0));
  while (grown().length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    now = liveResources();
  }
  expect(Object.fromEntries(grown())).toEqual({});
}

describe('startRelink when the start fails', () => {
  it('with the port taken, undoes what it started (the embedded database included) and rethrows', async () => {
    const taken = await takenPort();
    const { log, logged } = capturedLog();
    const config = loadConfig({
      PORT: String(taken.port),
      DATA_DIR: tempDir('clash'),
    });
    const before = liveResources();
    try {
      await expect(startRelink(config, log)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      taken.server.close();
    }
    const dbPort = embeddedDbPort(logged());
    expect(dbPort).toEqual(expect.any(Number));
    expect(await accepts(dbPort as number)).toBe(false);
    expect(logged().map((line) => line.msg)).not.toContain('relink is up');
    await expectNothingLeftRunning(before);
  }, 60_000);

  it('with Slack refusing the bot token, undoes what it started and rethrows', async () => {
    const standin = createSlackStandin({ botToken: 'xoxb-the-real-token', teamId: 'T0RELINK01' });
    const { apiUrl } = await standin.start();
    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('main_slack')}`,
      SLACK_BOT_TOKEN: 'xoxb-not-the-token',
      SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
      SLACK_ALERT_CHANNEL: 'C0ALERTS01',
      SLACK_API_URL: apiUrl,
    });
    const { log, logged } = capturedLog();
    const before = liveResources();
    try {
      await expect(startRelink(config, log)).rejects.toMatchObject({ code: 'slack_auth_failed' });
      expect(logged().map((line) => line.msg)).not.toContain('relink is up');
      await expectNothingLeftRunning(before);
    } finally {
      await standin.stop();
    }
  }, 60_000);
});

describe('relink started as a program', () => {
  it('exits 1 when its port is taken, having said why, and leaves no embedded database behind', async () => {
    const taken = await takenPort();
    const dataDir = tempDir('main');
    const child = spawn(
      process.execPath,
      ['-r', join(__dirname, 'support', 'register-typescript.js'), join(__dirname, '..', 'src', 'main.ts')],
      {
        // Only what this start needs: no MONGODB_URI (the embedded database), no Slack.
        env: { PATH: process.env.PATH, PORT: String(taken.port), DATA_DIR: dataDir, LOG_PRETTY: 'false' },
        cwd: dataDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`relink did not exit within 45 s:\n${output}`)),
          45_000,
        );
        child.once('exit', (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
      expect(code).toBe(1);
    } finally {
      child.kill('SIGKILL');
      taken.server.close();
    }
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; port?: number; err?: { code?: string } });
    expect(lines.find((line) => line.msg === 'relink could not start')?.err?.code).toBe('EADDRINUSE');
    const dbPort = embeddedDbPort(lines);
    expect(dbPort).toEqual(expect.any(Number));
    expect(await accepts(dbPort as number)).toBe(false);
  }, 60_000);
});

describe('databaseNameOf', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/', 'relink'],
    ['mongodb://127.0.0.1:27017/crm?retryWrites=true', 'crm'],
    ['mongodb+srv://user:pw@cluster0.example.net/relink_prod', 'relink_prod'],
    ['mongodb://a:1,b:2/', 'relink'],
    [null, 'relink'],
  ])('reads %s as database %s', (uri, name) => {
    expect(databaseNameOf(uri)).toBe(name);
  });
});
