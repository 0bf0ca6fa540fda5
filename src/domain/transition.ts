import {
  type AuthorizationEvent,
  type AuthorizationState,
  type AuthorizationStatus,
  type BadLoginReason,
  customerMustAct,
  type Effect,
  type Transition,
} from './authorization';

const DAY_MS = 86_400_000;

type Observed = Extract<AuthorizationEvent, { kind: 'observed' }>;
type WarningDue = Extract<AuthorizationEvent, { kind: 'expiry_warning_due' }>;

/**
 * The one place authorization state changes (DESIGN.md, "Domain"): the status after `event`, and the
 * effects the outside world must see. Pure: `current` is never mutated.
 */
export function transition(current: AuthorizationStatus, event: AuthorizationEvent, now: Date): Transition {
  // Platforms deliver out of order: an observation older than the newest one applied is stale.
  // Clock events skip this check on purpose, so a renewal observed before our job ran still counts.
  if (event.kind === 'observed' && current.lastEventAt && event.at < current.lastEventAt) {
    return { next: copyStatus(current), effects: [], changed: false };
  }

  const next = copyStatus(current);
  const effects: Effect[] = [];
  if (event.kind === 'observed') applyObservation(next, event, now);
  if (event.kind === 'expiry_due') applyExpiryDue(next, event.at);
  if (event.kind === 'expiry_warning_due' && next.expiresAt && isWarningDue(next, event)) {
    effects.push({ type: 'expiry.warning', days: event.days, expiresAt: new Date(next.expiresAt.getTime()) });
    next.warnedDays.push(event.days);
  }

  const incident = followIncident(current, next, event);
  if (incident) effects.unshift(incident);
  // A newer observation of the same status is not a change: storing only a moved lastEventAt would
  // cost a write per webhook and per reconcile. lastEventAt moves with the next real change, which is
  // what keeps a stale event from undoing that change.
  if (effects.length === 0 && sameStatus(current, { ...next, lastEventAt: current.lastEventAt })) {
    return { next: copyStatus(current), effects, changed: false };
  }
  return { next, effects, changed: true };
}

function applyObservation(next: AuthorizationStatus, event: Observed, now: Date): void {
  const renewed = !sameTime(next.expiresAt, event.expiresAt);
  next.state = observedState(event, now);
  next.reason = next.state === 'bad_login' ? (event.reason ?? 'invalid_credentials') : null;
  next.expiresAt = copyDate(event.expiresAt);
  next.declinedAt = copyDate(event.declinedAt);
  next.revokedAt = copyDate(event.revokedAt);
  next.lastEventAt = copyDate(event.at);
  // Warnings belong to one expiry date: a renewed authorization earns a fresh set.
  if (renewed) next.warnedDays = [];
}

/**
 * A platform may still call an authorization active (or pending, or retrying) after its expiry has
 * passed; relink's clock is the judge, or the expiry job and the next webhook would fight.
 */
function observedState(event: Observed, now: Date): AuthorizationState {
  const lapsed = event.expiresAt !== null && event.expiresAt <= now;
  const canLapse = event.state === 'active' || event.state === 'pending' || event.state === 'provider_issue';
  return lapsed && canLapse ? 'expired' : event.state;
}

function applyExpiryDue(next: AuthorizationStatus, at: Date): void {
  if (next.expiresAt === null || next.expiresAt > at) return;
  if (next.state === 'expired' || next.state === 'declined' || next.state === 'revoked') return;
  next.state = 'expired';
  next.reason = null;
}

function isWarningDue(status: AuthorizationStatus, event: WarningDue): boolean {
  if (status.state !== 'active' && status.state !== 'pending') return false;
  if (status.expiresAt === null || status.warnedDays.includes(event.days)) return false;
  const left = status.expiresAt.getTime() - event.at.getTime();
  return left > 0 && left <= event.days * DAY_MS;
}

/**
 * One incident (one Slack notice) runs from the first customer-must-act state until the authorization
 * is active again; states in between (pending, provider_issue) update it rather than close it.
 * Sets `next.incidentOpen` and returns the effect, if any.
 */
function followIncident(
  current: AuthorizationStatus,
  next: AuthorizationStatus,
  event: AuthorizationEvent,
): Effect | null {
  if (customerMustAct(next.state)) {
    if (!current.incidentOpen) {
      next.incidentOpen = true;
      return {
        type: 'incident.opened',
        state: next.state,
        reason: next.reason,
        since: problemStart(next, event),
      };
    }
    const same = next.state === current.state && loginReason(next) === loginReason(current);
    return same
      ? null
      : { type: 'incident.changed', from: current.state, to: next.state, reason: next.reason };
  }
  if (!current.incidentOpen) return null;
  if (next.state === 'active') {
    next.incidentOpen = false;
    return { type: 'incident.resolved', from: current.state };
  }
  if (next.state === current.state) return null;
  return { type: 'incident.changed', from: current.state, to: next.state, reason: next.reason };
}

/**
 * When the problem opening an incident began: the platform's own time for it (the revocation, the
 * decline, the expiry, the note that reported the bad login), unless it is missing or after the event;
 * else the event's time. A backlog ingested at once then still shows each problem's real age and
 * order, not the moment relink processed it.
 */
function problemStart(next: AuthorizationStatus, event: AuthorizationEvent): Date {
  const reported =
    next.state === 'revoked'
      ? next.revokedAt
      : next.state === 'declined'
        ? next.declinedAt
        : next.state === 'expired'
          ? next.expiresAt
          : event.kind === 'observed'
            ? (event.problemSince ?? null)
            : null;
  return new Date((reported && reported <= event.at ? reported : event.at).getTime());
}

/** A bad_login stored without a reason is a wrong password; other states have none. */
function loginReason(status: AuthorizationStatus): BadLoginReason | null {
  return status.state === 'bad_login' ? (status.reason ?? 'invalid_credentials') : null;
}

function copyStatus(status: AuthorizationStatus): AuthorizationStatus {
  return {
    state: status.state,
    reason: status.reason,
    expiresAt: copyDate(status.expiresAt),
    declinedAt: copyDate(status.declinedAt),
    revokedAt: copyDate(status.revokedAt),
    lastEventAt: copyDate(status.lastEventAt),
    incidentOpen: status.incidentOpen,
    warnedDays: [...status.warnedDays],
  };
}

function sameStatus(a: AuthorizationStatus, b: AuthorizationStatus): boolean {
  return (
    a.state === b.state &&
    a.reason === b.reason &&
    sameTime(a.expiresAt, b.expiresAt) &&
    sameTime(a.declinedAt, b.declinedAt) &&
    sameTime(a.revokedAt, b.revokedAt) &&
    sameTime(a.lastEventAt, b.lastEventAt) &&
    a.incidentOpen === b.incidentOpen &&
    a.warnedDays.length === b.warnedDays.length &&
    a.warnedDays.every((days, i) => days === b.warnedDays[i])
  );
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}

function copyDate(date: Date | null): Date | null {
  return date === null ? null : new Date(date.getTime());
}
