import { asRelinkError } from '../../domain/errors';
import type { Logger } from '../../logger';

// Everyday outcomes of a reauth step, not failures: the user is told, nothing is logged.
const OUTCOME_WORDS: Record<string, string> = {
  authorization_not_found: 'relink no longer has this authorization, so there is no customer to ask.',
  nothing_to_fix: "This customer doesn't need to reauthorize right now: the authorization is working again.",
  cooldown_active:
    'A request was sent to this customer while you were previewing, so this one was not sent. ' +
    'To send another anyway, click the button on the notice again and tick Send anyway.',
  request_not_found: "relink can't find this request any more, so there is nothing to retry.",
  request_not_failed: 'This request is no longer failed; nothing to retry.',
};

export type FailureKind = 'outcome' | 'invalid' | 'unexpected';

/**
 * Handles a failed step once, at the edge that tells the user (STYLE.md §8): everyday outcomes get
 * their own words; a payload relink did not write (`metadata_invalid`: a tampered or very old button
 * or modal) and anything unexpected are logged here, once, and the user gets the caller's words for
 * them, never the error itself.
 */
export function explainFailure(
  err: unknown,
  at: {
    log: Logger;
    msg: string;
    fields?: Record<string, unknown>;
    /** Shown for `metadata_invalid`. */
    invalid: string;
    /** Shown for anything else: a next step, usually "try again". */
    unexpected: string;
  },
): { kind: FailureKind; words: string } {
  const e = asRelinkError(err);
  const outcome = OUTCOME_WORDS[e.code];
  if (outcome) return { kind: 'outcome', words: outcome };
  if (e.code === 'metadata_invalid') {
    at.log.warn({ ...at.fields, err: e, code: e.code }, at.msg);
    return { kind: 'invalid', words: at.invalid };
  }
  at.log.error({ ...at.fields, err: e, code: e.code }, at.msg);
  return { kind: 'unexpected', words: at.unexpected };
}
