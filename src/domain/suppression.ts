import { maskEmail } from './mask-email';

/**
 * Addresses relink must not email on its own (DESIGN.md, "Follow up"): a customer who marked relink's
 * email as spam or unsubscribed, and an address whose last email bounced. Pure: what an event means,
 * how an address is compared, and whether an email may go out.
 */

/** Why an address is suppressed for a workspace: the customer said so, through SendGrid. */
export type SuppressionReason = 'spamreport' | 'unsubscribe';

/** A workspace's record that one address must not be emailed automatically again. */
export interface Suppression {
  reason: SuppressionReason;
  /** When SendGrid reported it. */
  at: Date;
}

/**
 * What a SendGrid event means for the address it is about. A group unsubscribe is an unsubscribe:
 * relink sends no other kind of email, so the customer wants none of it.
 */
export function suppressionReasonOf(event: string): SuppressionReason | null {
  switch (event) {
    case 'spamreport':
      return 'spamreport';
    case 'unsubscribe':
    case 'group_unsubscribe':
      return 'unsubscribe';
    default:
      return null;
  }
}

/**
 * One address however it was typed: mailbox providers ignore case in practice, and SendGrid reports the
 * address as it was sent, which may differ in case from what someone types in the form later.
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const isSameAddress = (a: string, b: string): boolean => normalizeEmail(a) === normalizeEmail(b);

/** Whether an email may go to an address now, and if not, why. */
export type EmailEligibility =
  | { allowed: true }
  | { allowed: false; because: 'suppressed'; suppression: Suppression }
  /** The last email to this address for this customer bounced: only a person may try it again. */
  | { allowed: false; because: 'bounced' };

/**
 * The one rule for emailing an address, for every way relink sends (a person's request, reminders,
 * bulk asks). Automatic sends never go to a suppressed or bounced address. A person may send to a
 * bounced address (they fixed it, or know it works now), and to a suppressed one only with an explicit
 * override, which the caller audits.
 */
export function emailEligibility(facts: {
  suppression: Suppression | null;
  lastEmailBounced: boolean;
  sender: 'automatic' | 'person';
  override: boolean;
}): EmailEligibility {
  const { suppression, lastEmailBounced, sender, override } = facts;
  if (suppression && !(sender === 'person' && override)) {
    return { allowed: false, because: 'suppressed', suppression };
  }
  if (lastEmailBounced && sender === 'automatic') return { allowed: false, because: 'bounced' };
  return { allowed: true };
}

/**
 * Whether a suppression stops a person's request that is still waiting to be sent. "Send anyway" covers
 * only a suppression the person saw: one recorded after the request was made stops it, as does any
 * suppression of a request made without Send anyway.
 */
export function suppressionStopsQueuedSend(
  suppression: Suppression | null,
  request: { createdAt: Date; sendAnyway: boolean },
): boolean {
  if (!suppression) return false;
  return !request.sendAnyway || suppression.at.getTime() > request.createdAt.getTime();
}

/** SendGrid's bounce reasons often quote the address ("550 5.1.1 <jane@example.com>: …"): mask it. */
export function bounceReasonWords(reason: string | null | undefined): string | null {
  const trimmed = reason?.replace(/\s+/g, ' ').trim();
  if (!trimmed) return null;
  return trimmed.replace(/[^\s<>"'()[\],;:]+@[^\s<>"'()[\],;:]+/g, (email) => maskEmail(email)).slice(0, 300);
}
