import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { RelinkError } from '../../src/domain/errors';
import { classifySlackFailure } from '../../src/slack/slack-failures';

// The error classes the Web API client throws, built as it builds them.
const platformError = (error: string) => new WebAPIPlatformError({ ok: false, error });

describe('classifySlackFailure', () => {
  it("asks to wait as long as Slack's Retry-After says after a 429", () => {
    expect(classifySlackFailure(new WebAPIRateLimitedError(3))).toEqual({
      kind: 'rate_limited',
      code: 'ratelimited',
      retryAfterMs: 3000,
    });
  });

  it('reads an HTTP error or an unreachable Slack as unavailable', () => {
    expect(classifySlackFailure(new WebAPIHTTPError(503, 'Service Unavailable', {}))).toEqual({
      kind: 'unavailable',
      code: 'http_503',
    });
    expect(classifySlackFailure(new WebAPIRequestError(new Error('ECONNRESET')))).toEqual({
      kind: 'unavailable',
      code: 'slack_unreachable',
    });
  });

  it.each(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'])(
    "reads Slack's own trouble (%s) as unavailable",
    (error) => {
      expect(classifySlackFailure(platformError(error))).toEqual({ kind: 'unavailable', code: error });
    },
  );

  it.each(['not_authed', 'invalid_auth', 'token_revoked', 'token_expired', 'account_inactive'])(
    'reads a credential failure (%s) as unavailable: every later call would fail the same way',
    (error) => {
      expect(classifySlackFailure(platformError(error))).toEqual({ kind: 'unavailable', code: error });
    },
  );

  it.each(['channel_not_found', 'invalid_blocks', 'msg_too_long'])(
    'reads a refusal of this one call (%s) as permanent',
    (error) => {
      expect(classifySlackFailure(platformError(error))).toEqual({ kind: 'permanent', code: error });
    },
  );

  it("keeps a RelinkError's code and calls anything else unexpected", () => {
    expect(classifySlackFailure(new RelinkError('slack_no_ts', 'no ts'))).toEqual({
      kind: 'permanent',
      code: 'slack_no_ts',
    });
    expect(classifySlackFailure(new TypeError('oops'))).toEqual({ kind: 'permanent', code: 'unexpected' });
  });
});
