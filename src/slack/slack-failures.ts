import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { RelinkError } from '../domain/errors';

/**
 * What a failed Slack Web API call means for whoever retries it:
 * - `rate_limited`: wait `retryAfterMs` (Slack's Retry-After), then the same call may succeed;
 * - `unavailable`: not now rather than not this: every call would fail the same way for a while;
 * - `permanent`: this call will keep failing (bad channel, invalid blocks); others may still succeed.
 * `code` is Slack's error code, `http_<status>`, `slack_unreachable`, or a RelinkError code.
 */
export type SlackFailure =
  | { kind: 'rate_limited'; code: string; retryAfterMs: number }
  | { kind: 'unavailable'; code: string }
  | { kind: 'permanent'; code: string };

// Slack's own trouble: the same call is likely to work later.
const UNAVAILABLE_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
// Every later call would fail the same way, so failing one call after another would only bury the cause.
const CREDENTIAL_ERRORS = new Set([
  'not_authed',
  'invalid_auth',
  'token_revoked',
  'token_expired',
  'account_inactive',
]);

export function classifySlackFailure(err: unknown): SlackFailure {
  if (err instanceof WebAPIRateLimitedError) {
    return { kind: 'rate_limited', code: 'ratelimited', retryAfterMs: err.retryAfter * 1000 };
  }
  if (err instanceof WebAPIHTTPError) return { kind: 'unavailable', code: `http_${err.statusCode}` };
  if (err instanceof WebAPIRequestError) return { kind: 'unavailable', code: 'slack_unreachable' };
  if (err instanceof WebAPIPlatformError) {
    const code = err.data.error;
    const stop = UNAVAILABLE_ERRORS.has(code) || CREDENTIAL_ERRORS.has(code);
    return { kind: stop ? 'unavailable' : 'permanent', code };
  }
  return { kind: 'permanent', code: err instanceof RelinkError ? err.code : 'unexpected' };
}
