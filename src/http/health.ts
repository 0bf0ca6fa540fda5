import type { Database } from '../store/database';
import { sendJson } from './body';
import type { Route } from './server';

/**
 * `GET /healthz`: 200 `{"db":"ok"}` when the database answers a ping, else 503: at once while the
 * embedded database is being restarted or the driver has lost the server (see store/database.ts).
 * Liveness: a supervisor restarts relink when this fails for long.
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

/** How relink's Slack stands: Socket Mode connected or not, HTTP mode configured, or not set up. */
export type SlackReadiness = 'connected' | 'disconnected' | 'configured' | 'not_configured';

export interface ReadinessDeps {
  database: Pick<Database, 'ping'>;
  /** True once the worklist (Home tabs, `/reauth` lists) is in memory; see {@link loadedOnce}. */
  worklistLoaded: () => boolean;
  slack: () => SlackReadiness;
}

/**
 * `GET /readyz`: 200 only when this relink can serve people: the database answers, the worklist is
 * loaded, and Slack is connected (Socket Mode) or configured (HTTP mode). Otherwise 503 with every
 * reason, so a load balancer sends traffic elsewhere while a process starts or loses its database.
 */
export function readyRoute(deps: ReadinessDeps): Route {
  return {
    method: 'GET',
    path: '/readyz',
    handler: async (_req, res) => {
      const reasons: string[] = [];
      if (!(await deps.database.ping())) reasons.push('database unavailable');
      if (!deps.worklistLoaded()) reasons.push('worklist loading');
      const slack = deps.slack();
      if (slack === 'disconnected') reasons.push('Slack Socket Mode not connected');
      if (slack === 'not_configured') reasons.push('Slack not configured (see the setup page, GET /)');
      sendJson(res, reasons.length === 0 ? 200 : 503, { ready: reasons.length === 0, slack, reasons });
    },
  };
}

/**
 * Turns a `ready()` promise (the worklist's) into a check that never waits: false until it has
 * resolved once, asking again after a failure. The first call starts waiting.
 */
export function loadedOnce(ready: () => Promise<void>): () => boolean {
  let loaded = false;
  let waiting = false;
  return () => {
    if (!loaded && !waiting) {
      waiting = true;
      ready().then(
        () => {
          loaded = true;
        },
        () => {
          waiting = false;
        },
      );
    }
    return loaded;
  };
}
