import { isValidEmail } from '../src/domain/email-address';
import { maskEmail } from '../src/domain/mask-email';
import { clip, escapeMrkdwn } from './text';

/** What a notice or a Home row says when relink has no address it could send to. */
export const NO_VALID_EMAIL_WORDS = 'No valid email on file';

/** An address as Slack shows it to the channel: masked (never in full), clipped, escaped for mrkdwn. */
export const maskedEmail = (email: string): string => escapeMrkdwn(clip(maskEmail(email), 100));

/**
 * The customer's email on a notice, a warning or a Home row: masked, or "No valid email on file" when
 * there is none or it is not an address (stored before ingest checked addresses).
 */
export const customerEmailWords = (email: string | null | undefined): string =>
  email && isValidEmail(email) ? maskedEmail(email) : NO_VALID_EMAIL_WORDS;
