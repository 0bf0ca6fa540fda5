import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import { HttpError, sendJson } from './body';

const REQUEST_ID_HEADER = 'x-request-id';
// A caller's id is kept only if it is short and plain, so it cannot forge log lines or carry data.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// Scraped and probed every few seconds: logged at debug so they do not bury real requests.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const requestLogs = new WeakMap<IncomingMessage, Logger>();

/** The request's own logger (bound to its `requestId`), for handlers that log. */
export const requestLog = (req: IncomingMessage, fallback: Logger): Logger =>
  requestLogs.get(req) ?? fallback;

/** The caller's `X-Request-Id` when it is sane (a proxy's or load balancer's), else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'POST';
  /** Matched exactly, or as a prefix (ending in `/`) when `prefix` is set: a path with an id in it. */
  path: string;
  prefix?: true;
  handler: RouteHandler;
}

/**
 * One HTTP server for everything relink serves (Slack, webhooks, health), routed by exact path (or by prefix, for paths that carry an id).
 * A handler may throw {@link HttpError} for a deliberate answer; anything else is a logged 500.
 */
export function createHttpServer(options: { routes: Route[]; log: Logger }): Server {
  const routes = new Map(options.routes.map((r) => [`${r.method} ${r.path}`, r.handler]));
  const knownPaths = new Set(options.routes.map((r) => r.path));
  const prefixed = options.routes.filter((r) => r.prefix);
  const find = (method: string | undefined, path: string) =>
    routes.get(`${method} ${path}`) ??
    prefixed.find((r) => r.method === method && path.startsWith(r.path) && path.length > r.path.length)
      ?.handler;
  const baseLog = options.log.child({ component: 'http' });

  return createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const requestId = requestIdOf(req);
    res.setHeader('X-Request-Id', requestId);
    const log = baseLog.child({ requestId });
    requestLogs.set(req, log);
    const started = performance.now();
    res.once('finish', () => {
      const line = {
        method: req.method,
        path,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      };
      if (QUIET_PATHS.has(path)) log.debug(line, 'request');
      else log.info(line, 'request');
    });
    const handler = find(req.method, path);
    if (!handler) {
      const status = knownPaths.has(path) ? 405 : 404;
      sendJson(res, status, { error: status === 405 ? 'method not allowed' : 'not found' });
      return;
    }
    try {
      await handler(req, res);
    } catch (err) {
      if (res.headersSent) {
        log.error({ err, path }, 'request failed after the answer started');
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        sendJson(res, err.status, { error: err.message, ...(err.details ? { details: err.details } : {}) });
        return;
      }
      log.error({ err, path }, 'request failed');
      sendJson(res, 500, { error: 'internal error' });
    }
  });
}

/** Listens and resolves with the bound port (useful with port 0 in tests). */
export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Stops accepting connections and ends idle keep-alive ones, so shutdown is not held up by clients. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
