import type { BulkSkipReason } from '../src/domain/bulk-eligibility';
import type { RelinkErrorCode } from '../src/domain/errors';

/** Why a customer is skipped by a bulk ask, as the confirmation and the summary say it. */
export function skipReasonWords(reason: BulkSkipReason, cooldownHours: number): string {
  switch (reason) {
    case 'not_allowed':
      return 'Not yours to ask (not in this workspace, or removed)';
    case 'nothing_to_fix':
      return "Doesn't need the customer now";
    case 'no_valid_email':
      return 'No valid email on file';
    case 'suppressed':
      return 'Their address refuses email (bounce, spam report or unsubscribe)';
    case 'awaiting_customer':
      return 'Already asked: waiting for the customer';
    case 'cooldown':
      return `Asked within the last ${cooldownHours} hours`;
  }
}

/** A failed request in a few words, for the Home's outcome and the summary. */
export function bulkFailureWords(code: string): string {
  const known: Partial<Record<RelinkErrorCode | 'failed' | 'bounced', string>> = {
    bounced: 'the email bounced',
    failed: 'the email could not be sent',
    email_rejected: 'SendGrid refused the email',
    form_failed: 'the platform could not make a reauthorization link',
    email_not_configured: 'email is not set up',
  };
  return known[code as RelinkErrorCode] ?? 'the request could not be recorded';
}

export const askManyLabel = (n: number): string =>
  `Ask ${n === 1 ? '1 customer' : `${n} customers`} to reauthorize…`;

/** What the bulk ask's steps say when they fail (FailureWords, see failure-words.ts). */
export const BULK_FAILURE_WORDS = {
  openConfirm: {
    invalid: "This button doesn't work any more. Open relink's App Home again and select the customers.",
    unexpected: "relink couldn't check your selection just now. Try again in a minute.",
  },
  send: {
    invalid: "This confirmation can't be sent any more. Close it and select the customers again.",
    unexpected:
      "Something went wrong, so some requests may not have been recorded. Close this and press Send again in a minute: customers already asked won't be asked twice.",
  },
} as const;
