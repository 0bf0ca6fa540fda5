import { RelinkError } from '../domain/errors';
import { maskEmail } from '../domain/mask-email';

/*
 * What a failed SendGrid mail send means for the email: refused (fix something, then Retry), not taken
 * for now (try again by itself), or unknown (it may have been accepted: wait for SendGrid's events).
 * https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors
 */

export type MailErrorCode =
  | 'email_rejected'
  | 'email_auth_failed'
  | 'email_unavailable'
  /** The request may have reached SendGrid, but no answer came: only SendGrid's events can tell. */
  | 'send_outcome_unknown';

/**
 * A send SendGrid refused or could not take, or whose outcome is unknown. `retryable` says whether the
 * same email may be tried again automatically: only when SendGrid certainly did not take it.
 */
export class MailError extends RelinkError {
  declare readonly code: MailErrorCode;
  /** False for every `send_outcome_unknown`: a second try could be a second email. */
  readonly retryable: boolean;
  /** How long SendGrid asked us to wait (429 only); null lets the caller pick its backoff. */
  readonly retryAfterMs: number | null;
  /** SendGrid's HTTP status; null when no answer arrived. */
  readonly status: number | null;

  constructor(
    code: MailErrorCode,
    message: string,
    details: { retryable: boolean; retryAfterMs?: number | null; status?: number | null },
  ) {
    // No `cause`: axios errors carry the request config, Authorization header included.
    super(code, message);
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.status = details.status ?? null;
  }
}

interface SendgridResponseError {
  code: number;
  response: { headers?: Record<string, unknown>; body?: unknown };
}

const isResponseError = (err: unknown): err is SendgridResponseError =>
  err instanceof Error &&
  typeof (err as { code?: unknown }).code === 'number' &&
  typeof (err as { response?: unknown }).response === 'object';

const isNetworkError = (err: unknown): err is Error & { code?: string } =>
  err instanceof Error && (err as { isAxiosError?: unknown }).isAxiosError === true;

/**
 * Network failures that happen before any byte of the request can have reached SendGrid: no connection
 * was made (refused, no such host, no route) or TLS refused it. Every other failure on the wire — a
 * reset, a timeout, a dropped connection — may come after SendGrid read the whole request and accepted
 * it, so its outcome is unknown (https://nodejs.org/api/errors.html#common-system-errors).
 */
const NOTHING_SENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Whether a network failure with this code certainly sent nothing; anything unlisted may have sent. */
export const networkFailureSentNothing = (code: string | undefined): boolean =>
  code !== undefined && NOTHING_SENT_NETWORK_CODES.has(code);

export function toMailError(err: unknown, nowMs: number): MailError {
  if (isResponseError(err)) return fromResponse(err, nowMs);
  if (isNetworkError(err)) {
    const why = err.code ?? err.message;
    if (networkFailureSentNothing(err.code)) {
      return new MailError('email_unavailable', `could not reach SendGrid (${why})`, { retryable: true });
    }
    return new MailError(
      'send_outcome_unknown',
      `SendGrid did not answer (${why}); the email may have been accepted`,
      { retryable: false },
    );
  }
  // @sendgrid/mail validates data before sending; the same data would fail the same way again.
  const detail = err instanceof Error ? err.message : String(err);
  return new MailError('email_rejected', `the email could not be built: ${maskEmails(detail)}`, {
    retryable: false,
  });
}

function fromResponse(err: SendgridResponseError, nowMs: number): MailError {
  const status = err.code;
  const said = firstErrorMessage(err.response.body);
  const saying = said ? `: ${said}` : '';
  if (status === 401) {
    return new MailError(
      'email_auth_failed',
      `SendGrid refused the API key (401)${saying}. Check SENDGRID_API_KEY: it needs Mail Send permission.`,
      { retryable: false, status },
    );
  }
  if (status === 429) {
    return new MailError('email_unavailable', `SendGrid is rate limiting mail send (429)${saying}`, {
      retryable: true,
      retryAfterMs: retryAfterMs(err.response.headers, nowMs),
      status,
    });
  }
  // A 5xx that names a message is one SendGrid may have queued after all.
  if (status >= 500 && typeof err.response.headers?.['x-message-id'] === 'string') {
    return new MailError('send_outcome_unknown', `SendGrid failed (${status}) after naming a message`, {
      retryable: false,
      status,
    });
  }
  if (status >= 500) {
    return new MailError('email_unavailable', `SendGrid failed (${status})${saying}`, {
      retryable: true,
      status,
    });
  }
  return new MailError('email_rejected', `SendGrid rejected the email (${status})${saying}`, {
    retryable: false,
    status,
  });
}

/** SendGrid's first `errors[].message` (with its field), emails masked: errors can quote the recipient. */
function firstErrorMessage(body: unknown): string | null {
  const parsed: unknown = typeof body === 'string' ? safeJson(body) : body;
  if (typeof parsed !== 'object' || parsed === null) return null;
  const errors = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return null;
  const first: unknown = errors[0];
  if (typeof first !== 'object' || first === null) return null;
  const { message, field } = first as { message?: unknown; field?: unknown };
  if (typeof message !== 'string' || message === '') return null;
  const where = typeof field === 'string' && field !== '' ? ` (${field})` : '';
  return maskEmails(`${message}${where}`);
}

// SendGrid sends no Retry-After; X-RateLimit-Reset is the unix second the limit window resets.
function retryAfterMs(headers: Record<string, unknown> | undefined, nowMs: number): number | null {
  const reset = Number(headers?.['x-ratelimit-reset']);
  if (!Number.isFinite(reset) || reset <= 0) return null;
  return Math.max(0, reset * 1000 - nowMs);
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

const maskEmails = (text: string) => text.replace(/[^\s[\]<>()"',;:]+@[^\s[\]<>()"',;:]+/g, maskEmail);
