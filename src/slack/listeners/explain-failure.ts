import { type FailureWords, OUTCOME_WORDS } from '../../../blocks/failure-words';
import { asRelinkError } from '../../domain/errors';
import type { Logger } from '../../logger';

export type FailureKind = 'outcome' | 'invalid' | 'unexpected';

/**
 * Handles a failed step once, at the edge that tells the user (STYLE.md §8): everyday outcomes get
 * their own words and are not logged; a payload relink did not write (`metadata_invalid`: a tampered
 * or very old button or modal) and anything unexpected are logged here, once, and the user gets the
 * step's words for them, never the error itself.
 */
export function explainFailure(
  err: unknown,
  at: { log: Logger; msg: string; words: FailureWords },
): { kind: FailureKind; words: string } {
  const e = asRelinkError(err);
  const outcome = OUTCOME_WORDS[e.code];
  if (outcome) return { kind: 'outcome', words: outcome };
  if (e.code === 'metadata_invalid') {
    at.log.warn({ err: e, code: e.code }, at.msg);
    return { kind: 'invalid', words: at.words.invalid };
  }
  at.log.error({ err: e, code: e.code }, at.msg);
  return { kind: 'unexpected', words: at.words.unexpected };
}
