import { closeServer, createHttpServer, listen, type Route, requestLog } from '../../src/http/server';
import { createLogger } from '../../src/logger';

interface Line {
  msg: string;
  requestId?: string;
  path?: string;
  status?: number;
  level: number;
}

/** A server with one route that logs through its request's logger, and the log lines it wrote. */
async function serve() {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', pretty: false }, { write: (line: string) => lines.push(line) });
  const route: Route = {
    method: 'GET',
    path: '/hello',
    handler: (req, res) => {
      requestLog(req, log).info('handler ran');
      res.end('hi');
    },
  };
  const quiet: Route = { method: 'GET', path: '/healthz', handler: (_req, res) => void res.end('ok') };
  const server = createHttpServer({ routes: [route, quiet], log });
  const port = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    logged: () => lines.map((line) => JSON.parse(line) as Line),
    close: () => closeServer(server),
  };
}

describe('request ids', () => {
  it('keeps a sane X-Request-Id, echoes it, and puts it on every log line of the request', async () => {
    const server = await serve();
    try {
      const response = await fetch(`${server.url}/hello?q=secret`, {
        headers: { 'x-request-id': 'lb-1234.abc' },
      });
      expect(response.headers.get('x-request-id')).toBe('lb-1234.abc');
      const lines = server.logged().filter((line) => line.requestId === 'lb-1234.abc');
      expect(lines.map((line) => line.msg)).toEqual(['handler ran', 'request']);
      // The query string can carry data: only the path is logged.
      expect(lines[1]).toMatchObject({ path: '/hello', status: 200 });
      expect(JSON.stringify(server.logged())).not.toContain('secret');
    } finally {
      await server.close();
    }
  });

  it('replaces a missing or unsafe id with a fresh one', async () => {
    const server = await serve();
    try {
      const forged = await fetch(`${server.url}/hello`, {
        headers: { 'x-request-id': 'a b"} {"admin":true' },
      });
      const long = await fetch(`${server.url}/hello`, { headers: { 'x-request-id': 'x'.repeat(129) } });
      const none = await fetch(`${server.url}/hello`);
      const ids = [forged, long, none].map((r) => r.headers.get('x-request-id'));
      for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(ids).size).toBe(3);
      const notFound = await fetch(`${server.url}/nope`);
      expect(notFound.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await server.close();
    }
  });

  it('logs probes and scrapes at debug, other requests at info', async () => {
    const server = await serve();
    try {
      await (await fetch(`${server.url}/healthz`)).text();
      await (await fetch(`${server.url}/hello`)).text();
      const requests = server.logged().filter((line) => line.msg === 'request');
      expect(requests.map((line) => [line.path, line.level])).toEqual([
        ['/healthz', 20],
        ['/hello', 30],
      ]);
    } finally {
      await server.close();
    }
  });
});
