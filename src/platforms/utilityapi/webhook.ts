import { createHash, timingSafeEqual } from 'node:crypto';
import { RelinkError } from '../../domain/errors';
import { describeZodIssues } from '../zod-issues';
import { type UtilityApiWebhookBatch, UtilityApiWebhookBatchSchema } from './types';

export const UTILITYAPI_SALT_HEADER = 'x-utilityapi-webhook-salt';
export const UTILITYAPI_SIGNATURE_HEADER = 'x-utilityapi-webhook-signature';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** The signature UtilityAPI sends: hex SHA-256 of `<secret>.<salt>.<raw body>`. */
export function utilityApiSignature(secret: string, salt: string, rawBody: Buffer): string {
  return createHash('sha256').update(`${secret}.${salt}.`).update(rawBody).digest('hex');
}

/**
 * Checks a UtilityAPI webhook delivery against the raw bytes received (never re-serialized JSON).
 * Anything missing or garbled is simply not verified; the comparison is constant-time.
 */
export function verifyUtilityApiSignature(input: {
  secret: string;
  salt: string | null | undefined;
  signature: string | null | undefined;
  rawBody: Buffer;
}): boolean {
  const { secret, salt, signature, rawBody } = input;
  if (!secret || !salt || !signature || !HEX_SHA256.test(signature.trim())) return false;
  const expected = Buffer.from(utilityApiSignature(secret, salt, rawBody), 'hex');
  const given = Buffer.from(signature.trim(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Validates a webhook body (already JSON-parsed) into its events. Every event needs a uid (or `id`)
 * and a type; unknown types pass, since they are stored and acknowledged, not acted on.
 * Throws a RelinkError `utilityapi_bad_webhook` whose `issues` say what is wrong, for a clear 400.
 */
export function parseUtilityApiWebhook(raw: unknown): UtilityApiWebhookBatch {
  const parsed = UtilityApiWebhookBatchSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new UtilityApiWebhookError(describeZodIssues(parsed.error));
}

export class UtilityApiWebhookError extends RelinkError {
  constructor(readonly issues: string[]) {
    super('utilityapi_bad_webhook', `UtilityAPI webhook body is invalid: ${issues.join('; ')}`);
  }
}
