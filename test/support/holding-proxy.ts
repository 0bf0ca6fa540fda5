import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeNow, listenOnLoopback } from './loopback-server';

/**
 * A pass-through HTTP proxy that can hold one matching request unanswered (and unforwarded): the way
 * to stop relink at an exact point of a flow, e.g. while it waits for a platform link before it has
 * called SendGrid. Everything else is forwarded to `target` as is.
 */
export function createHoldingProxy(target: string) {
  const origin = new URL(target).origin;
  let server: Server | null = null;
  let hold: { matches: (req: IncomingMessage) => boolean; received: () => void } | null = null;

  const readBody = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  };

  return {
    /** Listens on loopback; returns `target` with the proxy's origin. */
    async start(): Promise<string> {
      server = createServer((req, res) => {
        void (async () => {
          const body = await readBody(req);
          if (hold?.matches(req)) {
            const { received } = hold;
            hold = null;
            received();
            return; // never answered: the client waits until it gives up or dies
          }
          const { host: _host, connection: _c, 'content-length': _l, ...headers } = req.headers;
          const response = await fetch(`${origin}${req.url ?? '/'}`, {
            method: req.method,
            headers: headers as Record<string, string>,
            ...(body.length > 0 ? { body } : {}),
          });
          const answer = Buffer.from(await response.arrayBuffer());
          const passed = [...response.headers].filter(
            ([name]) => !['transfer-encoding', 'connection', 'content-length'].includes(name),
          );
          res.writeHead(response.status, Object.fromEntries(passed));
          res.end(answer);
        })().catch(() => {
          res.writeHead(502);
          res.end();
        });
      });
      const url = await listenOnLoopback(server);
      return `${url}${new URL(target).pathname}`;
    },
    /** Holds the next request `matches` accepts; resolves once it arrived. */
    holdNext(matches: (req: IncomingMessage) => boolean): Promise<void> {
      return new Promise((received) => {
        hold = { matches, received };
      });
    },
    stop: () => closeNow(server),
  };
}
