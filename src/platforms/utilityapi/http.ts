import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../logger';
import { UtilityApiError } from './errors';

export interface RetryOptions {
  /** Attempts per call, the first included. Default 5. */
  maxAttempts?: number;
  /** First backoff delay; doubles each retry, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** No retry starts once waiting for it would pass this much time since the first attempt. Default 30 s. */
  maxTotalMs?: number;
}

export interface UtilityApiHttpOptions {
  baseUrl: string;
  token: string;
  log: Logger;
  retry?: RetryOptions;
  /** Per-attempt timeout. Default 15 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface UtilityApiRequest {
  method: 'GET' | 'POST';
  /** A path under `baseUrl` (`/authorizations`) or an absolute `next` URL from a listing. */
  target: string;
  query?: Record<string, string>;
  body?: unknown;
}

export type UtilityApiHttp = (request: UtilityApiRequest) => Promise<unknown>;

/**
 * Sends one UtilityAPI request and returns its parsed JSON. The platform allows 50 requests per second:
 * 429 waits for `Retry-After`; 5xx and network errors back off exponentially with jitter; both stop at
 * the attempt or time budget. Other 4xx fail at once. The token goes only into the header, and only to
 * `baseUrl`'s origin (a `next` link elsewhere is refused), so it never reaches logs or another host.
 */
export function createUtilityApiHttp(options: UtilityApiHttpOptions): UtilityApiHttp {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const doFetch = options.fetch ?? fetch;
  const maxAttempts = Math.max(1, options.retry?.maxAttempts ?? 5);
  const baseDelayMs = options.retry?.baseDelayMs ?? 500;
  const maxTotalMs = options.retry?.maxTotalMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const log = options.log;

  return async (request) => {
    const url = resolveUrl(base, request);
    const path = url.pathname;
    const startedAt = Date.now();
    let last: { status: number | null; body: unknown; cause?: unknown } = { status: null, body: null };

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let delayMs: number;
      try {
        const response = await doFetch(url, {
          method: request.method,
          headers: {
            authorization: `Bearer ${options.token}`,
            accept: 'application/json',
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = await readBody(response);
        log.debug({ method: request.method, path, status: response.status, attempt }, 'utilityapi response');
        if (response.ok) return parseJsonBody(body, response.status, path);
        if (response.status !== 429 && response.status < 500) {
          throw new UtilityApiError(
            'utilityapi_rejected',
            `UtilityAPI refused ${request.method} ${path} with ${response.status}`,
            response.status,
            body,
          );
        }
        last = { status: response.status, body };
        delayMs =
          (response.status === 429 ? retryAfterMs(response.headers.get('retry-after')) : null) ??
          backoffMs(baseDelayMs, attempt);
      } catch (err) {
        if (err instanceof UtilityApiError) throw err;
        // fetch rejects only when no HTTP answer came: connection refused/reset, DNS, timeout.
        last = { status: null, body: null, cause: err };
        delayMs = backoffMs(baseDelayMs, attempt);
      }
      if (attempt === maxAttempts || Date.now() - startedAt + delayMs > maxTotalMs) break;
      log.warn(
        { method: request.method, path, status: last.status, attempt, delayMs },
        'utilityapi retrying',
      );
      await sleep(delayMs);
    }
    throw new UtilityApiError(
      'utilityapi_unavailable',
      `UtilityAPI ${request.method} ${path} kept failing (last status ${last.status ?? 'none'})`,
      last.status,
      last.body,
      { cause: last.cause },
    );
  };
}

function resolveUrl(base: URL, request: UtilityApiRequest): URL {
  const url = /^https?:\/\//i.test(request.target)
    ? new URL(request.target)
    : new URL(request.target.replace(/^\//, ''), base);
  if (url.origin !== base.origin) {
    throw new UtilityApiError(
      'utilityapi_bad_response',
      `refusing to follow a link to ${url.origin}`,
      null,
      null,
    );
  }
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
  return url;
}

// Error bodies are "html, json, or nothing" per UtilityAPI's docs: keep JSON parsed, text bounded.
async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  }
}

function parseJsonBody(body: unknown, status: number, path: string): unknown {
  if (body === null || typeof body === 'string') {
    throw new UtilityApiError(
      'utilityapi_bad_response',
      `UtilityAPI ${path} answered without JSON`,
      status,
      body,
    );
  }
  return body;
}

/** `Retry-After` as seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

// Jitter: somewhere between half and all of the exponential step, so clients do not retry in lockstep.
function backoffMs(baseDelayMs: number, attempt: number): number {
  const step = baseDelayMs * 2 ** (attempt - 1);
  return Math.round(step / 2 + Math.random() * (step / 2));
}
