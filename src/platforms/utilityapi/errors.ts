import { RelinkError } from '../../domain/errors';

export type UtilityApiErrorCode =
  | 'utilityapi_rejected'
  | 'utilityapi_unavailable'
  | 'utilityapi_bad_response';

/**
 * A UtilityAPI call that failed:
 * - `utilityapi_rejected`: a 4xx other than 429 (bad input, unknown uid, bad token); retrying won't help.
 * - `utilityapi_unavailable`: 429/5xx/network failures that outlasted the retry budget.
 * - `utilityapi_bad_response`: a 2xx whose body is not what the API documents.
 * `status` is the last HTTP status (null when no answer came); `body` is its parsed JSON or text.
 */
export class UtilityApiError extends RelinkError {
  constructor(
    override readonly code: UtilityApiErrorCode,
    message: string,
    readonly status: number | null,
    readonly body: unknown,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
