import { Client } from '@sendgrid/client';
import type { MailDataRequired } from '@sendgrid/mail';
import { MailService } from '@sendgrid/mail';
import { RelinkError } from '../domain/errors';
import { maskEmail } from '../domain/mask-email';
import type { Logger } from '../logger';
import type { ReauthEmail } from './reauth-email';

export interface MailerConfig {
  apiKey: string;
  fromEmail: string;
  fromName: string;
  apiUrl: string;
  /** A SendGrid dynamic template (`d-…`); null sends relink's own rendered content. */
  templateId: string | null;
}

export interface MailMessage {
  requestId: string;
  to: { email: string; name: string };
  rendered: ReauthEmail;
  /** Handlebars data for the dynamic template; unused without `templateId`. */
  templateData: Record<string, string | null>;
}

export interface Mailer {
  /**
   * Sends once and never retries: a retry belongs to the caller's job, which knows whether an earlier
   * attempt was accepted. `messageId` is SendGrid's X-Message-Id (event webhooks carry it as the prefix
   * of `sg_message_id`).
   */
  send(message: MailMessage): Promise<{ messageId: string }>;
}

export type MailErrorCode = 'email_rejected' | 'email_auth_failed' | 'email_unavailable';

/** A send SendGrid refused or could not take. `retryable` says whether the same email may be tried again. */
export class MailError extends RelinkError {
  declare readonly code: MailErrorCode;
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

const CATEGORY = 'reauth_request';
// Generous: SendGrid answers mail/send in well under a second, and a timed-out send may still have been
// accepted, so the caller's retry could double it. Without any limit a hung connection would hold the job.
const REQUEST_TIMEOUT_MS = 30_000;

export interface MailerDeps {
  config: MailerConfig;
  log: Logger;
  /** Clock in ms, for the 429 wait. Default Date.now. */
  now?: () => number;
  /** Default 30 s. */
  timeoutMs?: number;
}

export function createMailer(deps: MailerDeps): Mailer {
  const { config, log } = deps;
  const now = deps.now ?? Date.now;
  // Own instances, never the package singletons: two mailers (tests, two tenants) must not share a key.
  const client = new Client();
  client.setApiKey(config.apiKey); // resets baseUrl, so the URL goes second
  client.setDefaultRequest('baseUrl', config.apiUrl);
  const mail = new MailService();
  mail.setClient(client);
  // After setClient: setTimeout writes to whichever client the service holds at the time.
  mail.setTimeout(deps.timeoutMs ?? REQUEST_TIMEOUT_MS);

  return {
    async send(message) {
      const to = maskEmail(message.to.email);
      let response: Awaited<ReturnType<MailService['send']>>[0];
      try {
        [response] = await mail.send(mailData(config, message));
      } catch (err) {
        throw toMailError(err, now());
      }
      const header: unknown = response.headers?.['x-message-id'];
      const messageId = typeof header === 'string' ? header : '';
      if (!messageId) {
        // The email was accepted; failing now would invite a duplicate. Events still match by relink_request_id.
        log.warn(
          { requestId: message.requestId, to, status: response.statusCode },
          'email accepted without a message id',
        );
      } else {
        log.info({ requestId: message.requestId, to, messageId }, 'email accepted by SendGrid');
      }
      return { messageId };
    },
  };
}

function mailData(config: MailerConfig, message: MailMessage): MailDataRequired {
  const name = displayName(message.to.name);
  const common = {
    to: name ? { email: message.to.email, name } : { email: message.to.email },
    from: { email: config.fromEmail, name: config.fromName },
    // SendGrid keeps categories and custom args as non-PII and forever: ids and constants only.
    categories: [CATEGORY],
    customArgs: { relink_request_id: message.requestId },
  };
  if (config.templateId) {
    return {
      ...common,
      templateId: config.templateId,
      // A dynamic template ignores the top-level subject; its own subject should be `{{subject}}`.
      dynamicTemplateData: { ...message.templateData, subject: message.rendered.subject },
      // The helper console.warns on & ' " in data ("PG&E"); Handlebars escapes them itself.
      hideWarnings: true,
    };
  }
  return {
    ...common,
    subject: message.rendered.subject,
    // SendGrid requires text/plain first, then text/html.
    content: [
      { type: 'text/plain', value: message.rendered.text },
      { type: 'text/html', value: message.rendered.html },
    ],
  };
}

// SendGrid refuses `;` and `,` in recipient names ("Lovelace, Ada"); the name is cosmetic, so soften it.
const displayName = (name: string) => name.replace(/[;,]/g, ' ').replace(/\s+/g, ' ').trim();

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

function toMailError(err: unknown, nowMs: number): MailError {
  if (isResponseError(err)) return fromResponse(err, nowMs);
  if (isNetworkError(err)) {
    return new MailError('email_unavailable', `could not reach SendGrid (${err.code ?? err.message})`, {
      retryable: true,
    });
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
