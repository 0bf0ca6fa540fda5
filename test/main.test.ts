import { loadConfig } from '../src/config';
import { startRelink } from '../src/main';
import { databaseNameOf } from '../src/store/database';
import { testDatabaseUri, uniqueDbName } from './support/database';
import { silentLog } from './support/silent-log';

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
