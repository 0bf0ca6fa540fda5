import { healthRoute } from '../../src/http/health';
import { closeServer, createHttpServer, listen } from '../../src/http/server';
import { openDatabase } from '../../src/store/database';
import { testDatabaseUri, uniqueDbName } from '../support/database';
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
