import { networkFailureSentNothing, toMailError } from '../../src/email/mail-error';

/** An error as axios throws it for a failure on the wire (no response). */
const wireError = (code: string) => Object.assign(new Error(`wire ${code}`), { isAxiosError: true, code });
/** An error as @sendgrid/client throws it for an HTTP answer >= 400. */
const answered = (status: number, headers: Record<string, unknown> = {}) =>
  Object.assign(new Error('answered'), { code: status, response: { headers, body: { errors: [] } } });

describe('what a failed mail send means for the email', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])(
    'treats %s (no connection was made) as certainly not sent, and retryable',
    (code) => {
      expect(networkFailureSentNothing(code)).toBe(true);
      expect(toMailError(wireError(code), 0)).toMatchObject({ code: 'email_unavailable', retryable: true });
    },
  );

  it.each(['ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ERR_SOMETHING_NEW'])(
    'treats %s (the request may have been written) as an unknown outcome, never retried',
    (code) => {
      expect(networkFailureSentNothing(code)).toBe(false);
      expect(toMailError(wireError(code), 0)).toMatchObject({
        code: 'send_outcome_unknown',
        retryable: false,
      });
    },
  );

  it('retries 429 and 5xx, which SendGrid answers without taking the email', () => {
    expect(toMailError(answered(429), 0)).toMatchObject({ code: 'email_unavailable', retryable: true });
    expect(toMailError(answered(502), 0)).toMatchObject({ code: 'email_unavailable', retryable: true });
  });

  it('does not retry a 5xx that names a message: SendGrid may have taken it', () => {
    expect(toMailError(answered(500, { 'x-message-id': 'abc' }), 0)).toMatchObject({
      code: 'send_outcome_unknown',
      retryable: false,
    });
  });

  it('fails 4xx for good: the same email would be refused again', () => {
    expect(toMailError(answered(400), 0)).toMatchObject({ code: 'email_rejected', retryable: false });
    expect(toMailError(answered(401), 0)).toMatchObject({ code: 'email_auth_failed', retryable: false });
  });
});
