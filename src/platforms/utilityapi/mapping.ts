import type { AuthorizationState, AuthorizationStatus, BadLoginReason } from '../../domain/authorization';
import { validEmailOrNull } from '../../domain/email-address';
import { stripInvisibleControls } from '../../domain/invisible-characters';
import type { UtilityApiAuthorization, UtilityApiNote } from './types';

/**
 * What relink keeps from one UtilityAPI authorization. `expiresAt` is null when access is indefinite
 * (`expires: "until_revoked"` or any other preset string).
 */
export interface AuthorizationFacts
  extends Pick<AuthorizationStatus, 'state' | 'reason' | 'expiresAt' | 'declinedAt' | 'revokedAt'> {
  externalId: string;
  /** `email` is null when UtilityAPI has none or it is not a valid address ("no valid email on file"). */
  customer: { name: string | null; email: string | null };
  utility: string;
  /** For `bad_login`: when the note reporting it was written; null otherwise. */
  problemSince: Date | null;
}

// Authorization note types (https://utilityapi.com/docs/api/authorizations/notes) that only the
// customer can fix by updating their login.
const BAD_LOGIN_NOTES: Readonly<Record<string, BadLoginReason>> = {
  access_invalid: 'invalid_credentials',
  access_locked: 'locked',
  access_code_needed: 'mfa_required',
};

// Trouble on the platform's or utility's side: shown, but asking the customer would not help.
const PROVIDER_TROUBLE_NOTES = new Set(['retrying', 'utility_down', 'utility_unavailable', 'errored']);
const PROVIDER_TROUBLE_STATUSES = new Set(['retrying', 'errored', 'utility_down']);

/**
 * Maps an authorization to relink's state. Order matters, most final first:
 * revoked → declined → expired → bad login → provider issue → pending → active.
 *
 * Notes are read newest first by `ts` (the array order is not a promise):
 * - Only the newest `access_*` note speaks about the login. A bad one (invalid, locked, code needed)
 *   means bad_login; a newer `access_valid` clears it. Non-access notes (e.g. `retrying`) say nothing
 *   about credentials, so they neither cause nor clear a bad login.
 * - `access_unsupported` (the platform can't collect for that account) is a provider issue: a new
 *   login would not help.
 * - A newest note of `retrying`-like type, or such a `status`, is a provider issue.
 * - No notes at all (just submitted, nothing checked yet) or `status: "pending"` is pending.
 */
export function toAuthorizationFacts(a: UtilityApiAuthorization): AuthorizationFacts {
  const base = {
    externalId: a.uid,
    customer: { name: customerName(a), email: validEmailOrNull(a.customer_email) },
    utility: a.utility,
    expiresAt: parseTimestamp(a.expires),
    declinedAt: parseTimestamp(a.declined),
    revokedAt: parseTimestamp(a.revoked),
  };
  const { state, reason, problemSince = null } = stateOf(a);
  return { ...base, state, reason, problemSince };
}

function stateOf(a: UtilityApiAuthorization): {
  state: AuthorizationState;
  reason: BadLoginReason | null;
  problemSince?: Date;
} {
  if (a.is_revoked) return { state: 'revoked', reason: null };
  if (a.is_declined) return { state: 'declined', reason: null };
  if (a.is_expired) return { state: 'expired', reason: null };

  const notes = notesOldestFirst(a.notes);
  const latestAccess = [...notes].reverse().find((n) => n.type.startsWith('access_'));
  const badLogin = latestAccess ? BAD_LOGIN_NOTES[latestAccess.type] : undefined;
  if (latestAccess && badLogin)
    return { state: 'bad_login', reason: badLogin, problemSince: new Date(latestAccess.at) };

  const latest = notes.at(-1);
  const status = a.status?.toLowerCase() ?? '';
  if (
    latestAccess?.type === 'access_unsupported' ||
    (latest && PROVIDER_TROUBLE_NOTES.has(latest.type)) ||
    PROVIDER_TROUBLE_STATUSES.has(status)
  ) {
    return { state: 'provider_issue', reason: null };
  }
  if (status === 'pending' || a.notes.length === 0) return { state: 'pending', reason: null };
  return { state: 'active', reason: null };
}

/**
 * The newest thing known to have happened to the authorization (creation, decline, revocation or a
 * note). UtilityAPI has no "updated" field or filter, so this stands in for one.
 */
export function lastActivityAt(a: UtilityApiAuthorization): Date | null {
  const times = [a.created, a.declined, a.revoked, ...a.notes.map((n) => n.ts)]
    .map(parseTimestamp)
    .filter((d): d is Date => d !== null)
    .map((d) => d.getTime());
  return times.length > 0 ? new Date(Math.max(...times)) : null;
}

// Notes without a readable `ts` cannot be ordered, so they are left out of "newest" decisions.
// Equal timestamps keep array order (later in the array counts as newer).
function notesOldestFirst(notes: UtilityApiNote[]): Array<UtilityApiNote & { at: number }> {
  return notes
    .map((n) => ({ ...n, at: parseTimestamp(n.ts)?.getTime() ?? Number.NaN }))
    .filter((n) => !Number.isNaN(n.at))
    .sort((x, y) => x.at - y.at);
}

// Customers type these: invisible bidirectional and zero-width characters are dropped before use.
function customerName(a: UtilityApiAuthorization): string | null {
  return visibleName(a.customer_signature?.full_name) ?? visibleName(a.nickname);
}

const visibleName = (value: string | null | undefined): string | null =>
  nonEmpty(value && stripInvisibleControls(value));

function nonEmpty(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

// Only full ISO8601 timestamps count: preset strings ("until_revoked") and anything else mean "no date".
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseTimestamp(value: string | null | undefined): Date | null {
  if (!value || !ISO_TIMESTAMP.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
