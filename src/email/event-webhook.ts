import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { z } from 'zod';
import { RelinkError } from '../domain/errors';

/*
 * SendGrid's signed Event Webhook: an ECDSA P-256 / SHA-256 signature over `timestamp + raw body`.
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
 */

/** Request headers as Node lowercases them. */
export const SendgridWebhookHeader = {
  signature: 'x-twilio-email-event-webhook-signature',
  timestamp: 'x-twilio-email-event-webhook-timestamp',
} as const;

export interface SendgridSignatureInput {
  /** The verification key as SendGrid shows it: base64 DER SubjectPublicKeyInfo, no PEM armour. */
  publicKey: string;
  /** Base64 DER-encoded ECDSA signature. */
  signature: string;
  /** Unix seconds, exactly as received. */
  timestamp: string;
  /** The exact bytes received: re-serialized JSON would not verify. */
  rawBody: Buffer;
  now: Date;
  /**
   * SendGrid documents no window. Replays inside it are harmless (the inbox dedups on sg_event_id); it
   * only stops an old captured batch being replayed forever.
   */
  toleranceSeconds?: number;
}

/** True only for a well-formed, fresh signature by the configured key; anything else is false, never a throw. */
export function verifySendgridSignature(input: SendgridSignatureInput): boolean {
  const { signature, timestamp, rawBody, now, toleranceSeconds = 300 } = input;
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const signatureBytes = strictBase64(signature);
  const key = p256Key(input.publicKey);
  if (!signatureBytes || !key) return false;
  try {
    const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
    return verify('sha256', signed, { key, dsaEncoding: 'der' }, signatureBytes);
  } catch {
    return false;
  }
}

// Buffer.from(…, 'base64') skips junk silently; refuse it so a garbled header is not "some bytes".
function strictBase64(value: string): Buffer | null {
  const trimmed = value.trim();
  if (trimmed === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return null;
  return Buffer.from(trimmed, 'base64');
}

function p256Key(publicKey: string): KeyObject | null {
  // Tolerate the key pasted as PEM or wrapped across lines; SendGrid shows bare base64.
  const der = strictBase64(publicKey.replace(/-----(BEGIN|END) PUBLIC KEY-----|\s+/g, ''));
  if (!der) return null;
  try {
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    // Only the curve SendGrid signs with: a key of another type must not make "verify" mean something else.
    const isP256 = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
    return isP256 ? key : null;
  } catch {
    return null;
  }
}

const sendgridEvent = z.object({
  event: z.string().min(1),
  /** `<X-Message-Id>.<SendGrid's suffix>`: see {@link xMessageIdOf}. */
  sg_message_id: z.string().optional(),
  sg_event_id: z.string().min(1),
  /** Unix seconds. */
  timestamp: z.number().nonnegative(),
  email: z.string().optional(),
  // Custom args come back as top-level fields of each event.
  relink_request_id: z.string().optional(),
  /** The send attempt the event is about (a custom arg, so a string); absent on older emails. */
  relink_attempt: z.string().optional(),
  reason: z.string().optional(),
  /** On `bounce`: `bounce` or `blocked` (SendGrid reports a block as a bounce event of type blocked). */
  type: z.string().optional(),
});

export type SendgridEvent = z.infer<typeof sendgridEvent>;

/**
 * Validates a webhook batch (a JSON array). Event names relink does not know are kept: SendGrid adds new
 * ones, and deliveryStatusFor ignores them. Throws `invalid_sendgrid_events` naming the bad paths.
 */
export function parseSendgridEvents(raw: unknown): SendgridEvent[] {
  const result = z.array(sendgridEvent).safeParse(raw);
  if (result.success) return result.data;
  // Paths and zod's wording only: values could be customer emails.
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new RelinkError('invalid_sendgrid_events', `SendGrid event batch is invalid: ${problems.join('; ')}`);
}

/** The X-Message-Id the mailer recorded: SendGrid's `sg_message_id` is that id plus `.` and a suffix. */
export const xMessageIdOf = (sgMessageId: string): string => sgMessageId.split('.')[0] ?? sgMessageId;

export type DeliveryStatus = 'delivered' | 'opened' | 'clicked' | 'bounced';

/**
 * What an event means for a reauth request. `processed` and `deferred` are steps on the way (SendGrid keeps
 * retrying a deferral for 72 hours) and spam reports or unsubscribes are not delivery facts: all null.
 * A dropped email (SendGrid refused to try the address: an earlier bounce, an invalid address) reached
 * nobody, as a bounced one did: the team's next step is the same, fix the address.
 */
export function deliveryStatusFor(event: string): DeliveryStatus | null {
  switch (event) {
    case 'delivered':
      return 'delivered';
    case 'open':
      return 'opened';
    case 'click':
      return 'clicked';
    case 'bounce':
    case 'blocked':
    case 'dropped':
      return 'bounced';
    default:
      return null;
  }
}
