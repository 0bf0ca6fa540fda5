import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config';
import { HttpError, readRawBody, sendJson } from './body';
import type { Route } from './server';
import { setupPageHtml } from './setup-page-html';
import type { SetupStatus } from './setup-status';

/**
 * The Slack variables still needed before relink can talk to Slack, worded as the README and
 * `.env.example` name them; empty once Slack is configured.
 */
export function missingSlackVariables(slack: Config['slack'] | null): string[] {
  const missing: string[] = [];
  if (!slack?.botToken && !slack?.oauth) missing.push('SLACK_BOT_TOKEN');
  if (!slack?.signingSecret && !slack?.appToken) {
    missing.push('SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)');
  }
  if (!slack?.alertChannel && !slack?.oauth) missing.push('SLACK_ALERT_CHANNEL');
  return missing;
}

export const SETUP_RETRY_PATH = '/setup/retry-parked';

export interface SetupPageDeps {
  status: () => Promise<SetupStatus>;
  /** Puts parked notices back in the outbox; resolves with how many. */
  retryParked: () => Promise<number>;
  /** `open` serves anyone who reaches relink; `local` only callers on this machine (RELINK_SETUP_PAGE). */
  access: 'local' | 'open';
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Local-only unless opened: the caller's address is loopback and no proxy forwarded the request (a
 * reverse proxy on the same machine connects from loopback, but says whom it forwards for).
 */
function refuseUnlessAllowed(req: IncomingMessage, access: SetupPageDeps['access']): void {
  if (access === 'open') return;
  const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '') || forwarded) {
    throw new HttpError(403, 'the setup page answers only on this machine (see README, "Setup page")');
  }
}

const wantsJson = (accept: string | undefined) => (accept ?? '').toLowerCase().includes('application/json');

/**
 * `GET /`: where each integration stands, with a next step for each (setup-page-html.ts); JSON for a
 * script that asks for it. `POST /setup/retry-parked`: the page's one button. Its form carries a token
 * only this process knows, so another site cannot make a browser on this machine press it.
 */
export function setupRoutes(deps: SetupPageDeps): Route[] {
  const token = randomBytes(16).toString('hex');
  const page: Route = {
    method: 'GET',
    path: '/',
    handler: async (req, res) => {
      refuseUnlessAllowed(req, deps.access);
      const status = await deps.status();
      if (wantsJson(req.headers.accept)) {
        sendJson(res, 200, status);
        return;
      }
      const html = setupPageHtml(status, { action: SETUP_RETRY_PATH, token });
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(html),
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; form-action 'self'",
      });
      res.end(html);
    },
  };
  const retry: Route = {
    method: 'POST',
    path: SETUP_RETRY_PATH,
    handler: async (req, res) => {
      refuseUnlessAllowed(req, deps.access);
      const form = new URLSearchParams((await readRawBody(req)).toString('utf8'));
      const given = Buffer.from(form.get('token') ?? '');
      if (given.length !== token.length || !timingSafeEqual(given, Buffer.from(token))) {
        throw new HttpError(403, 'reload the setup page and press the button again');
      }
      await deps.retryParked();
      res.writeHead(303, { location: '/' });
      res.end();
    },
  };
  return [page, retry];
}
