/**
 * Every code a RelinkError can carry. Codes are stable: they are stored (a request's `lastError`, the
 * `request.failed` outbox effect) and chosen on by the words users see. A code taken from an outside
 * system (a Slack `error`, an HTTP status) never goes here: classify it into one of these.
 */
export type RelinkErrorCode =
  // Anything thrown that is not a RelinkError (asRelinkError).
  | 'unexpected'
  // Everyday outcomes of a reauth step (src/reauth); users get their own words for these.
  | 'authorization_not_found'
  | 'nothing_to_fix'
  | 'cooldown_active'
  | 'email_suppressed'
  | 'request_not_found'
  | 'request_not_failed'
  | 'request_replaced'
  // Sending a reauth request (src/reauth/request-sender.ts, src/email/reauth-email.ts).
  | 'form_failed'
  | 'email_not_configured'
  | 'send_outcome_unknown'
  | 'invalid_reauth_url'
  // SendGrid: mail send (MailError in src/email/mailer.ts) and the event webhook.
  | 'email_rejected'
  | 'email_auth_failed'
  | 'email_unavailable'
  | 'invalid_sendgrid_events'
  // UtilityAPI: its client (UtilityApiError in src/platforms/utilityapi/errors.ts) and its webhook.
  | 'utilityapi_rejected'
  | 'utilityapi_unavailable'
  | 'utilityapi_bad_response'
  | 'utilityapi_bad_webhook'
  // The database (src/store).
  | 'store_inconsistent'
  | 'store_contention'
  | 'embedded_db_unavailable'
  // Workspaces and the secrets stored for them (src/store/workspaces.ts, src/store/secret-box.ts).
  | 'encryption_key_invalid'
  | 'encryption_key_missing'
  | 'secret_unreadable'
  | 'workspace_not_found'
  | 'workspace_uninstalled'
  // Slack: startup, payloads and answers, button values and private_metadata (src/slack).
  | 'slack_misconfigured'
  | 'slack_auth_failed'
  | 'slack_payload_invalid'
  | 'slack_response_invalid'
  | 'slack_no_ts'
  | 'metadata_invalid'
  | 'metadata_too_large'
  // An outbox entry this version cannot publish (written by a newer or older relink).
  | 'unknown_effect';

/**
 * A failure relink knows how to explain. `code` is stable and drives what the user is told;
 * `message` is for logs and developers.
 */
export class RelinkError extends Error {
  override readonly name = 'RelinkError';
  constructor(
    readonly code: RelinkErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Wraps anything thrown into a RelinkError so edges handle one shape. */
export function asRelinkError(err: unknown): RelinkError {
  if (err instanceof RelinkError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RelinkError('unexpected', message, { cause: err });
}
