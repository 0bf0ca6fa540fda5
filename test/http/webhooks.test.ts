import type { Server } from 'node:http';
import { closeServer, createHttpServer, listen } from '../../src/http/server';
import {
  genericWebhookRoute,
  RETRY_AFTER_SECONDS,
  workspaceUtilityApiWebhookRoute,
} from '../../src/http/webhooks';
import { RELINK_SIGNATURE_HEADER, signRelinkPayload } from '../../src/platforms/generic/webhook';
import { type Database, openDatabase } from '../../src/store/database';
import { createInbox, type Inbox } from '../../src/store/inbox';
import { testDatabaseUri, uniqueDbName, useTestDatabase } from '../support/database';
import { silentLog } from '../support/silent-log';

const SECRET = 'generic-webhook-secret-0123456789';
const log = silentLog();

describe('a webhook while the database is unavailable', () => {
  let database: Database;
  let inbox: Inbox;
  let server: Server;
  let base: string;
  let told = 0;

  beforeAll(async () => {
    database = await openDatabase({
      uri: `${testDatabaseUri()}${uniqueDbName('webhooks')}`,
      dataDir: '',
      log,
    });
    // The inbox announces what it stored; that starts the inbox step (src/flows/steps.ts).
    inbox = createInbox(database.connection, { eventsStored: () => void told++ });
    await inbox.init();
    const route = genericWebhookRoute({
      inbox,
      database,
      clock: () => new Date(),
      log,
      secret: SECRET,
    });
    server = createHttpServer({ routes: [route], log });
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await closeServer(server);
    await database.close();
  });

  const post = (id: string) => {
    const body = JSON.stringify({ id, type: 'something.new' });
    const signature = signRelinkPayload(body, SECRET, Math.floor(Date.now() / 1000));
    return fetch(`${base}/webhooks/events`, {
      method: 'POST',
      headers: { [RELINK_SIGNATURE_HEADER]: signature },
      body,
    });
  };

  it('is stored and answered 200 while the database is there', async () => {
    const answer = await post('while-up');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ stored: 1, duplicates: 0 });
    expect(await inbox.outcomeOf('webhook', 'while-up')).toBe('pending');
    expect(told).toBe(1);
  });

  it('is refused at once with 503 and Retry-After once it is gone, and nothing is told to process', async () => {
    await database.connection.close();
    const started = Date.now();
    const answer = await post('while-down');
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
    expect(await answer.json()).toEqual({ error: 'database unavailable, try again later' });
    // At once: not after the driver's 10-second server selection timeout.
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(told).toBe(1);
  });
});

describe("a workspace's UtilityAPI webhook URL while the database is away", () => {
  const db = useTestDatabase('webhooks_db_away');
  let server: Server;
  let base = '';
  let lookups = 0;

  beforeAll(async () => {
    const inbox = createInbox(db.connection);
    await inbox.init();
    server = createHttpServer({
      routes: [
        workspaceUtilityApiWebhookRoute({
          inbox,
          clock: () => new Date(),
          log: silentLog(),
          database: { isAvailable: () => false },
          accountAt: async () => {
            lookups += 1;
            return { workspaceId: 'T-one', secret: 'a-webhook-secret' };
          },
        }),
      ],
      log: silentLog(),
    });
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterAll(() => closeServer(server));

  it('answers 503 with Retry-After before looking the path up, like every webhook', async () => {
    const response = await fetch(`${base}/webhooks/utilityapi/${'p'.repeat(43)}`, {
      method: 'POST',
      body: '{"events":[]}',
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
    expect(lookups).toBe(0);
  });
});
