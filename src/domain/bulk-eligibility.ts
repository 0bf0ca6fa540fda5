import { type AuthorizationState, customerMustAct } from './authorization';
import { isValidEmail } from './email-address';
import type { RequestStatus } from './reauth-request';
import { activeCooldown } from './reauth-request';
import { AWAITING_REQUEST_STATUSES } from './worklist';

/**
 * Who a bulk ask skips, and why (issue 13). Pure: the service gathers the facts of each selected
 * authorization, this decides. The same rules as one request (who must act, the cooldown), plus what a
 * bulk ask must not do silently: write to an address that cannot take email, or ask again someone
 * who already has an unanswered email.
 */
export const BULK_SKIP_REASONS = [
  'not_allowed',
  'nothing_to_fix',
  'no_valid_email',
  'suppressed',
  'awaiting_customer',
  'cooldown',
] as const;
export type BulkSkipReason = (typeof BULK_SKIP_REASONS)[number];

/** What is known of one selected authorization when the confirmation is drawn. */
export interface BulkCandidateFacts {
  /** False when it is not this workspace's (a forged or stale id) or no longer exists. */
  visible: boolean;
  state: AuthorizationState;
  email: string | null;
  /** The latest request, if any. */
  latestRequest: { status: RequestStatus } | null;
  /** When a request to this customer was last sent; null when never (or unknown: nothing earlier). */
  lastSentAt: Date | null;
  /**
   * The address refuses email (bounced, spam report, unsubscribe). Passed in until the suppression
   * store's lookup is wired here (see issue 12, "bounces").
   */
  suppressed: boolean;
}

/** Why this authorization is skipped, or null when its customer is asked. First reason wins. */
export function bulkSkipReason(
  facts: BulkCandidateFacts,
  now: Date,
  cooldownHours: number,
): BulkSkipReason | null {
  if (!facts.visible) return 'not_allowed';
  if (!customerMustAct(facts.state)) return 'nothing_to_fix';
  if (!facts.email || !isValidEmail(facts.email)) return 'no_valid_email';
  if (facts.suppressed) return 'suppressed';
  const latest = facts.latestRequest?.status ?? null;
  // A queued request is on its way; a sent one waits for the customer. Either way, one is enough.
  if (latest === 'queued' || (latest !== null && AWAITING_REQUEST_STATUSES.includes(latest)))
    return 'awaiting_customer';
  const last = facts.lastSentAt ? { lastSentAt: facts.lastSentAt, lastSentBy: '' } : null;
  if (activeCooldown(last, now, cooldownHours)) return 'cooldown';
  return null;
}

/** The skip reason a refused single request maps to, when the send step itself says no. */
export function bulkSkipReasonOfError(code: string): BulkSkipReason | null {
  switch (code) {
    case 'cooldown_active':
      return 'cooldown';
    case 'nothing_to_fix':
      return 'nothing_to_fix';
    case 'authorization_not_found':
      return 'not_allowed';
    case 'email_suppressed':
      return 'suppressed';
    default:
      return null;
  }
}

/** Whether a request's status means the email went out (or further). */
export const isSentStatus = (status: RequestStatus): boolean =>
  status === 'completed' || AWAITING_REQUEST_STATUSES.includes(status);

/** Whether a request's status means it will not be sent without a person (Retry, a new address). */
export const isFailedStatus = (status: RequestStatus): boolean => status === 'failed' || status === 'bounced';
