import { createHmac } from 'node:crypto';
import { request, type Server } from 'node:http';
import { healthRoute } from '../../src/http/health';
import { closeServer, createHttpServer, listen } from '../../src/http/server';
import { createSlackApp, type SlackApp } from '../../src/slack/app';
import { Command } from '../../src/slack/ids';
import { SlackPath } from '../../src/slack/receivers';
import { type Database, openDatabase } from '../../src/store/database';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { silentLog } from '../support/silent-log';
import { signSlackRequest, slashCommandBody } from '../support/slack-signing';
import { createSlackStandin } from '../support/slack-standin';

const BOT_TOKEN = 'xoxb-relink-receivers-test-0123456789';
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const TEAM = 'T0RELINK01';
const MIB = 1024 * 1024;

const standin = createSlackStandin({ botToken: BOT_TOKEN, teamId: TEAM });
const log = silentLog();
let database: Database;
let slack: SlackApp;
let server: Server;
let port: number;
let commandsRun = 0;

beforeAll(async () => {
  const { apiUrl } = await standin.start();
  database = await openDatabase({
    uri: `${testDatabaseUri()}${uniqueDbName('receivers')}`,
    dataDir: '/nonexistent',
    log,
  });
  slack = createSlackApp({
    config: {
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      appToken: null,
      socketMode: false,
      oauth: null,
      alertChannel: 'C0ALERTS01',
      apiUrl,
    },
    log,
    botId: 'B0RELINKBOT',
    botUserId: 'U0RELINKBOT',
    teamId: TEAM,
  });
  slack.app.command(Command.reauth, async ({ ack }) => {
    commandsRun += 1;
    await ack();
  });
  await slack.start();
  // As src/main.ts serves them: Slack's route beside /healthz on one server.
  server = createHttpServer({ routes: [healthRoute({ database }), ...slack.routes], log });
  port = await listen(server, 0, '127.0.0.1');
});

afterAll(async () => {
  await closeServer(server);
  await slack.stop();
  await database.connection.dropDatabase().catch(() => undefined);
  await database.close();
  await standin.stop();
});

const command = (text: string) =>
  slashCommandBody({
    actor: { userId: 'U0ALICE001', teamId: TEAM },
    command: Command.reauth,
    text,
    channelId: 'C0ALERTS01',
    triggerId: 'trigger-1',
  });

/** A signed slash command whose `text` pads it to `bytes` in all. */
function paddedCommand(bytes: number): string {
  const empty = command('');
  return command('x'.repeat(bytes - empty.length));
}

async function postSigned(body: string) {
  const response = await fetch(`http://127.0.0.1:${port}${SlackPath.events}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest({ signingSecret: SIGNING_SECRET, body }),
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

interface Streamed {
  status: number | null;
  connection: string | undefined;
  /** Bytes of the body the client could hand to the socket before relink answered and closed. */
  written: number;
}

/** A slash command body of `total` bytes, in pieces cut from one small chunk. */
function* bodyPieces(total: number): Generator<Buffer> {
  const prefix = Buffer.from(command(''));
  const chunk = Buffer.alloc(64 * 1024, 'x');
  yield prefix;
  for (let sent = prefix.length; sent < total; sent += chunk.length) {
    yield sent + chunk.length <= total ? chunk : chunk.subarray(0, total - sent);
  }
}

/**
 * Posts a signed body of `total` bytes, streamed so the test itself never holds it: declared with
 * `content-length`, or chunked without one.
 */
function postStreamed(total: number, mode: 'declared' | 'chunked'): Promise<Streamed> {
  // Signed over the whole body, as Slack signs.
  const timestamp = Math.floor(Date.now() / 1000);
  const hmac = createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:`);
  for (const piece of bodyPieces(total)) hmac.update(piece);
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-signature': `v0=${hmac.digest('hex')}`,
    'x-slack-request-timestamp': timestamp,
    ...(mode === 'declared' ? { 'content-length': total } : { 'transfer-encoding': 'chunked' }),
  };
  return new Promise((resolve) => {
    const result: Streamed = { status: null, connection: undefined, written: 0 };
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      req.destroy();
      resolve(result);
    };
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: SlackPath.events, headers },
      (res) => {
        result.status = res.statusCode ?? null;
        result.connection = res.headers.connection;
        res.resume();
        res.once('end', finish);
      },
    );
    // relink closes the connection after its 413; writing into it then fails, which is expected.
    req.once('error', finish);
    req.once('close', finish);
    const pieces = bodyPieces(total);
    const write = (): void => {
      for (let next = pieces.next(); !finished; next = pieces.next()) {
        if (next.done) return void req.end();
        result.written += next.value.length;
        if (!req.write(next.value)) return void req.once('drain', write);
      }
    };
    write();
  });
}

describe('POST /slack/events body limit', () => {
  it('answers a signed request of just under 1 MiB as usual', async () => {
    const before = commandsRun;
    expect((await postSigned(paddedCommand(MIB - 1024))).status).toBe(200);
    expect(commandsRun).toBe(before + 1);
  });

  it('answers 413 to a signed request over 1 MiB, and runs no listener', async () => {
    const before = commandsRun;
    const answer = await postSigned(paddedCommand(MIB + 1));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ error: `request body is larger than ${MIB} bytes` });
    expect(commandsRun).toBe(before);
  });

  // 3 MiB is under Bolt's own 4 MB default; 64 MiB would show in the process's memory if buffered.
  it.each([
    [3, 'declared'],
    [3, 'chunked'],
    [64, 'declared'],
    [64, 'chunked'],
  ] as const)(
    'refuses a signed %d MiB body (%s length) after reading at most 1 MiB, and stays healthy and small',
    async (mib, mode) => {
      const rssBefore = process.memoryUsage().rss;
      const before = commandsRun;
      const answer = await postStreamed(mib * MIB, mode);
      expect(answer.status).toBe(413);
      // The client is told to stop sending, rather than left with a connection nobody reads.
      expect(answer.connection).toBe('close');
      // relink stopped reading: the client could not push the body through (socket buffers hold a few MiB).
      expect(answer.written).toBeLessThan(16 * MIB);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(32 * MIB);
      expect(commandsRun).toBe(before);

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ db: 'ok' });
      expect((await postSigned(command('ada@example.com'))).status).toBe(200);
      expect(commandsRun).toBe(before + 1);
    },
  );
});
