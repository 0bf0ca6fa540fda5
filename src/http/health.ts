import type { Database } from '../store/database';
import { sendJson } from './body';
import type { Route } from './server';

/**
 * `GET /healthz`: 200 `{"db":"ok"}` when the database answers a ping, else 503: at once while the
 * embedded database is being restarted or the driver has lost the server (see store/database.ts).
 */
export function healthRoute(deps: { database: Pick<Database, 'ping'> }): Route {
  return {
    method: 'GET',
    path: '/healthz',
    handler: async (_req, res) => {
      const ok = await deps.database.ping();
      sendJson(res, ok ? 200 : 503, { db: ok ? 'ok' : 'unavailable' });
    },
  };
}
