import { healthRoute, loadedOnce, readyRoute, type SlackReadiness } from '../../src/http/health';
import { closeServer, createHttpServer, listen } from '../../src/http/server';
import { openDatabase } from '../../src/store/database';
import { createWorklistSource } from '../../src/store/worklist-source';
import { createWorklist } from '../../src/worklist/worklist';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { eventually } from '../support/eventually';
import { silentLog } from '../support/silent-log';

const log = silentLog();

describe('GET /healthz', () => {
  it('answers 200 {"db":"ok"} while the database answers, and 503 once it does not', async () => {
    const database = await openDatabase({
      uri: `${testDatabaseUri()}${uniqueDbName('health')}`,
      dataDir: '',
      log,
    });
    const server = createHttpServer({ routes: [healthRoute({ database })], log });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const up = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ db: 'ok' });

      await database.close();
      const down = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ db: 'unavailable' });
    } finally {
      await closeServer(server);
    }
  });

  it('answers 404 for unknown paths and 405 for a known path with the wrong method', async () => {
    const server = createHttpServer({ routes: [healthRoute({ database: { ping: async () => true } })], log });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'POST' })).status).toBe(405);
    } finally {
      await closeServer(server);
    }
  });
});

describe('GET /readyz', () => {
  it('is not ready while the worklist loads, ready once it has, and not ready once the database is gone', async () => {
    const database = await openDatabase({
      uri: `${testDatabaseUri()}${uniqueDbName('ready')}`,
      dataDir: '',
      log,
    });
    // The real worklist over the real database, its first read held until the test lets it go.
    let letLoad = () => {};
    const gate = new Promise<void>((resolve) => {
      letLoad = resolve;
    });
    const source = createWorklistSource(database.connection);
    const worklist = createWorklist({
      source: {
        eachAuthorization: async (after, visit) => {
          await gate;
          return source.eachAuthorization(after, visit);
        },
        eachRequest: source.eachRequest,
      },
      expiringWithinDays: 14,
      refreshEveryMs: null,
      log,
    });
    worklist.start();
    const worklistLoaded = loadedOnce(worklist.ready);
    const route = readyRoute({ database, worklistLoaded, slack: () => 'configured' });
    const server = createHttpServer({ routes: [route], log });
    const port = await listen(server, 0, '127.0.0.1');
    const ready = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: response.status, body: await response.json() };
    };
    try {
      expect(await ready()).toEqual({
        status: 503,
        body: { ready: false, slack: 'configured', reasons: ['worklist loading'] },
      });
      letLoad();
      await eventually(async () => (await ready()).status === 200, 'ready once the worklist is loaded');
      expect((await ready()).body).toEqual({ ready: true, slack: 'configured', reasons: [] });

      await database.close();
      expect(await ready()).toEqual({
        status: 503,
        body: { ready: false, slack: 'configured', reasons: ['database unavailable'] },
      });
    } finally {
      await worklist.stop();
      await closeServer(server);
      await database.close();
    }
  });

  it('names Slack when Socket Mode is disconnected or Slack is not configured', async () => {
    let slack: SlackReadiness = 'disconnected';
    const route = readyRoute({
      database: { ping: async () => true },
      worklistLoaded: () => true,
      slack: () => slack,
    });
    const server = createHttpServer({ routes: [route], log });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const first = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(first.status).toBe(503);
      expect(((await first.json()) as { reasons: string[] }).reasons).toEqual([
        'Slack Socket Mode not connected',
      ]);
      slack = 'not_configured';
      const second = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(second.status).toBe(503);
      expect(((await second.json()) as { reasons: string[] }).reasons).toEqual([
        'Slack not configured (see the setup page, GET /)',
      ]);
      slack = 'connected';
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      await closeServer(server);
    }
  });
});
