import { RelinkError } from '../domain/errors';
import { MailError } from '../email/mailer';
import { UtilityApiError } from '../platforms/utilityapi/errors';

/** 429/5xx/network: 10 s, 20 s, 40 s … capped at 15 minutes, unless the service says when. */
export const backoffMs = (attempts: number, hinted: number | null) =>
  Math.max(hinted ?? 0, Math.min(10_000 * 2 ** (attempts - 1), 900_000));

/** Failures that certainly sent nothing and may pass: 429/5xx, unreachable SendGrid, the platform down. */
export const isRetryable = (err: unknown): { retry: boolean; afterMs: number | null } => {
  if (err instanceof MailError) return { retry: err.retryable, afterMs: err.retryAfterMs };
  if (err instanceof UtilityApiError) return { retry: err.code === 'utilityapi_unavailable', afterMs: null };
  if (err instanceof LinkTooSlow) return { retry: true, afterMs: null };
  return { retry: false, afterMs: null };
};

/** The link took so long that the attempt's claim ran out before SendGrid was called: nothing was sent. */
export class LinkTooSlow extends RelinkError {
  constructor() {
    super('form_failed', 'the reauthorization link was not ready in time; nothing was sent');
  }
}
