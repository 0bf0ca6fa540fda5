import type { AuthorizationEvent, AuthorizationState } from '../../src/domain/authorization';

export type ObservedEvent = Extract<AuthorizationEvent, { kind: 'observed' }>;

/** The platform reporting an authorization in `state` at `at`: no dates unless `extra` gives them. */
export const observedEvent = (
  state: AuthorizationState,
  at: Date,
  extra: Partial<ObservedEvent> = {},
): ObservedEvent => ({
  kind: 'observed',
  at,
  state,
  reason: state === 'bad_login' ? 'invalid_credentials' : null,
  expiresAt: null,
  declinedAt: null,
  revokedAt: null,
  ...extra,
});
