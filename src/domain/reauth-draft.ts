import type { AuthorizationState, BadLoginReason } from './authorization';

/** The problem an email explains, carried from the form to the preview to the send so all three agree. */
export interface ReauthProblem {
  state: AuthorizationState;
  reason: BadLoginReason | null;
}

/** What the reauth form collects: whom to ask, about which utility, and what to add. Validated, trimmed. */
export interface ReauthDraft {
  customerName: string;
  customerEmail: string;
  utility: string;
  /** Added to the email, signed with the company name; null when left empty. */
  note: string | null;
  /** Asked for explicitly to send inside the cooldown (and audited). */
  sendAnyway: boolean;
}

/*
 * Field limits. Name, utility and note count characters as a person does (an emoji is one), as Slack's
 * max_length does. They also keep the worst valid draft small enough for the preview's 3,000-character
 * private_metadata.
 */
export const NAME_MAX_CHARS = 100;
export const UTILITY_MAX_CHARS = 100;
export const NOTE_MAX_CHARS = 500;
/** RFC 5321's limit on a forward path. */
export const EMAIL_MAX_CHARS = 254;
