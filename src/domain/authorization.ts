import type { TriageChange } from './triage';

/**
 * The authorization vocabulary shared by every part of relink (DESIGN.md, "Domain"). Pure types and
 * constants: no I/O, no Slack, no Mongo.
 */

export const AUTHORIZATION_SOURCES = ['utilityapi', 'webhook'] as const;
export type AuthorizationSource = (typeof AUTHORIZATION_SOURCES)[number];

/** How a platform knows an authorization, within one workspace's account on that platform. */
export interface PlatformKey {
  workspaceId: string;
  source: AuthorizationSource;
  externalId: string;
}

export const AUTHORIZATION_STATES = [
  'pending',
  'active',
  'bad_login',
  'provider_issue',
  'expired',
  'declined',
  'revoked',
] as const;
export type AuthorizationState = (typeof AUTHORIZATION_STATES)[number];

export const BAD_LOGIN_REASONS = ['invalid_credentials', 'locked', 'mfa_required'] as const;
export type BadLoginReason = (typeof BAD_LOGIN_REASONS)[number];

/** States where only the customer can fix things: these open an incident and offer the reauth button. */
export const CUSTOMER_MUST_ACT_STATES = ['bad_login', 'expired', 'declined', 'revoked'] as const;
export type CustomerMustActState = (typeof CUSTOMER_MUST_ACT_STATES)[number];

export const customerMustAct = (state: AuthorizationState): state is CustomerMustActState =>
  (CUSTOMER_MUST_ACT_STATES as readonly string[]).includes(state);

/** What the state machine needs to know about one authorization. */
export interface AuthorizationStatus {
  state: AuthorizationState;
  /** Only for `bad_login`; null otherwise. */
  reason: BadLoginReason | null;
  /** null when access is indefinite (UtilityAPI `expires: "until_revoked"`). */
  expiresAt: Date | null;
  declinedAt: Date | null;
  revokedAt: Date | null;
  /** The time of the newest event applied; older events change nothing (platforms deliver out of order). */
  lastEventAt: Date | null;
  /**
   * True from `incident.opened` until `incident.resolved`: one Slack notice follows one incident even
   * through states that are not customer-must-act themselves (bad_login → provider_issue → active).
   */
  incidentOpen: boolean;
  /** Expiry-warning thresholds (days) already announced for the current `expiresAt`. */
  warnedDays: number[];
}

/**
 * Something that happened to an authorization.
 * - `observed`: the platform reports the authorization as it is now (webhook re-fetch, reconcile,
 *   or a generic platform's event). `at` is when the platform observed it.
 * - `expiry_due`: relink's clock says `expiresAt` has passed.
 * - `expiry_warning_due`: relink's clock says `expiresAt` is within `days` days.
 */
export type AuthorizationEvent =
  | {
      kind: 'observed';
      at: Date;
      state: AuthorizationState;
      reason: BadLoginReason | null;
      expiresAt: Date | null;
      declinedAt: Date | null;
      revokedAt: Date | null;
      /**
       * When the platform says the current problem began, if it says (UtilityAPI: the note that
       * reported the bad login). Declines, revocations and expiries carry their own times.
       */
      problemSince?: Date | null;
    }
  | { kind: 'expiry_due'; at: Date }
  | { kind: 'expiry_warning_due'; at: Date; days: number };

/** What the outside world must see after a transition; stored in the outbox and published later. */
export type Effect =
  | {
      type: 'incident.opened';
      state: CustomerMustActState;
      reason: BadLoginReason | null;
      /** When the problem began (see `problemStart` in transition.ts): "since" in notices and lists. */
      since: Date;
    }
  | {
      type: 'incident.changed';
      from: AuthorizationState;
      to: AuthorizationState;
      reason: BadLoginReason | null;
    }
  | { type: 'incident.resolved'; from: AuthorizationState }
  /** Someone triaged the incident, or the platform's news reopened it (src/domain/triage.ts). */
  | { type: 'incident.triaged'; change: TriageChange }
  | { type: 'expiry.warning'; days: number; expiresAt: Date };

export type EffectType = Effect['type'];

export interface Transition {
  next: AuthorizationStatus;
  effects: Effect[];
  /** True when anything in `next` differs from the input (so the store must write). */
  changed: boolean;
}
