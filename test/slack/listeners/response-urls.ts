import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BlockKitProblem, validateMessage } from '../../support/block-kit-validator';

/*
 * Slack's response_url, which `respond()` posts to: a slash command's answer goes there, so it reaches
 * the person in any conversation. Records each answer and, like Slack, refuses blocks Slack would
 * refuse (400 invalid_blocks), so a listener's answer is checked against Block Kit's limits.
 */

export interface ResponseUrlPost {
  /** Which response_url was used: the `key` given to `url(key)`. */
  key: string;
  body: { text?: string; blocks?: unknown[]; response_type?: string; replace_original?: boolean };
  problems: BlockKitProblem[];
}

export function createResponseUrls() {
  let server: Server | undefined;
  let base = '';
  let posts: ResponseUrlPost[] = [];
  let failing: number[] = [];

  return {
    async start(): Promise<void> {
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const key = decodeURIComponent((req.url ?? '').replace(/^\/response\//, ''));
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ResponseUrlPost['body'];
          const problems = body.blocks === undefined ? [] : validateMessage(body);
          posts.push({ key, body, problems });
          const status = failing.shift() ?? (problems.length > 0 ? 400 : 200);
          res.writeHead(status, { 'content-type': 'text/plain' });
          res.end(status === 200 ? 'ok' : status === 404 ? 'expired_url' : 'invalid_blocks');
        });
      });
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      server = s;
      base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    },
    async stop(): Promise<void> {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    url: (key: string): string => `${base}/response/${encodeURIComponent(key)}`,
    get posts(): readonly ResponseUrlPost[] {
      return posts;
    },
    /** The next answer gets `status` (e.g. 404: the response_url expired after 30 minutes). */
    failNext(status: number): void {
      failing.push(status);
    },
    reset(): void {
      posts = [];
      failing = [];
    },
  };
}

export type ResponseUrls = ReturnType<typeof createResponseUrls>;
