import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AUTHORIZATION_STATES, BAD_LOGIN_REASONS } from '../../domain/authorization';
import { validEmailOrNull } from '../../domain/email-address';
import { stripInvisibleControls } from '../../domain/invisible-characters';

export { describeZodIssues } from '../zod-issues';

/** Header on `POST /webhooks/events`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const RELINK_SIGNATURE_HEADER = 'x-relink-signature';

export type RelinkSignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** Signs a body the way senders must; returns the header value. Used by tests and the README. */
export function signRelinkPayload(rawBody: Buffer | string, secret: string, t: number): string {
  return `t=${t},v1=${hmac(secret, t, rawBody)}`;
}

/**
 * Verifies `X-Relink-Signature` on the raw body. `t` must be within `toleranceSeconds` of `now`
 * either way (replays and skewed clocks), and any `v1=` may match: during a key rotation a sender
 * signs with both keys, and relink may hold both (`secret` as a list).
 */
export function verifyRelinkSignature(input: {
  header: string | null | undefined;
  rawBody: Buffer;
  secret: string | readonly string[];
  now: Date;
  toleranceSeconds?: number;
}): RelinkSignatureCheck {
  const { header, rawBody, now, toleranceSeconds = 300 } = input;
  if (!header?.trim()) return { ok: false, reason: 'missing' };

  const timestamps: string[] = [];
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') timestamps.push(value);
    // Other schemes (v0, future v2) are skipped so senders can add them without breaking us.
    if (key === 'v1') {
      if (!HEX_SHA256.test(value)) return { ok: false, reason: 'malformed' };
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  const [t] = timestamps;
  if (timestamps.length !== 1 || t === undefined || !/^\d{1,12}$/.test(t) || signatures.length === 0) {
    return { ok: false, reason: 'malformed' };
  }
  if (Math.abs(now.getTime() / 1000 - Number(t)) > toleranceSeconds) return { ok: false, reason: 'stale' };

  const secrets = (typeof input.secret === 'string' ? [input.secret] : input.secret).filter(Boolean);
  const expected = secrets.map((s) => Buffer.from(hmac(s, Number(t), rawBody), 'hex'));
  // Compare every pair without stopping early, so timing reveals nothing about which one matched.
  let matched = false;
  for (const given of signatures) {
    for (const wanted of expected) matched = timingSafeEqual(given, wanted) || matched;
  }
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}

function hmac(secret: string, t: number, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
}

/** The one event other platforms post: an authorization as it is now. */
export const GenericAuthorizationEvent = z.object({
  id: z.string().min(1),
  type: z.literal('authorization.updated'),
  occurredAt: z.iso.datetime({ offset: true }),
  authorization: z.object({
    id: z.string().min(1),
    // Customers type their name and email on the platform. An email that is missing or not a valid
    // address becomes null ("no valid email on file") instead of refusing the event: the state change
    // matters more, and the reauth form asks for an address. Output is also re-parsed from the inbox.
    customer: z.object({
      name: z
        .string()
        .nullish()
        .transform((name) => (name ? stripInvisibleControls(name).trim() || null : null)),
      email: z.string().nullish().transform(validEmailOrNull),
    }),
    utility: z.string().min(1),
    state: z.enum(AUTHORIZATION_STATES),
    reason: z.enum(BAD_LOGIN_REASONS).optional(),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  }),
});
export type GenericAuthorizationEvent = z.infer<typeof GenericAuthorizationEvent>;
