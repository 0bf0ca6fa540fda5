import { Client } from '@sendgrid/client';
import type { MailDataRequired } from '@sendgrid/mail';
import { MailService } from '@sendgrid/mail';
import { maskEmail } from '../domain/mask-email';
import type { Logger } from '../logger';
import { toMailError } from './mail-error';
import type { ReauthEmail } from './reauth-email';

export { MailError, type MailErrorCode, networkFailureSentNothing } from './mail-error';

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
  /** Which send attempt this is: SendGrid's events carry it back (`relink_attempt`) to settle that attempt. */
  attempt: number;
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
  /** How long `send` waits for SendGrid's answer before its outcome becomes unknown. */
  readonly timeoutMs: number;
}

const CATEGORY = 'reauth_request';
// SendGrid answers mail/send in well under a second. A timed-out send may still have been accepted, so
// its outcome becomes unknown and waits for SendGrid's event; the shorter this is, the sooner that wait
// starts (DEFAULT_SEND_TIMINGS' answerWithinMs leaves 2 s beyond it).
const REQUEST_TIMEOUT_MS = 10_000;

export interface MailerDeps {
  config: MailerConfig;
  log: Logger;
  /** Clock in ms, for the 429 wait. Default Date.now. */
  now?: () => number;
  /** Default 10 s. */
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
  const timeoutMs = deps.timeoutMs ?? REQUEST_TIMEOUT_MS;
  // After setClient: setTimeout writes to whichever client the service holds at the time.
  mail.setTimeout(timeoutMs);

  return {
    timeoutMs,
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
    customArgs: { relink_request_id: message.requestId, relink_attempt: String(message.attempt) },
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
