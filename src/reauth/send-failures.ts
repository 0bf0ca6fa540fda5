import { RelinkError } from '../domain/errors';
import { suppressionStopsQueuedSend } from '../domain/suppression';
import { MailError } from '../email/mailer';
import { UtilityApiError } from '../platforms/utilityapi/errors';
import type { AuthorizationStore } from '../store/authorizations';
import type { ReauthRequestDocument } from '../store/requests';
import type { SuppressionStore } from '../store/suppressions';

/* Whether a send attempt's failure may be tried again, and when; and the one failure found before. */

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

/**
 * A spam report or unsubscribe that arrived while a request waited stops it (issue 12): this throws
 * the failure that fails it without a retry.
 */
export async function refuseIfSuppressedSince(
  deps: {
    authorizations: Pick<AuthorizationStore, 'findById'>;
    suppressions?: Pick<SuppressionStore, 'find'>;
  },
  request: ReauthRequestDocument,
): Promise<void> {
  if (!deps.suppressions) return;
  const authorization = await deps.authorizations.findById(request.authorizationId.toHexString());
  if (!authorization) return;
  const suppression = await deps.suppressions.find(authorization.workspaceId, request.recipient.email);
  if (suppressionStopsQueuedSend(suppression, request))
    throw new RelinkError(
      'email_suppressed',
      'the customer asked not to be emailed since the request was made',
    );
}
