import { auditActionOf } from '../../src/domain/audit-action';
import type { AuthorizationStatus } from '../../src/domain/authorization';

const active: AuthorizationStatus = {
  state: 'active',
  reason: null,
  expiresAt: new Date('2027-01-01T00:00:00Z'),
  declinedAt: null,
  revokedAt: null,
  lastEventAt: null,
  incidentOpen: false,
  warnedDays: [],
};
const badLogin: AuthorizationStatus = {
  ...active,
  state: 'bad_login',
  reason: 'invalid_credentials',
  incidentOpen: true,
};
const warning = { type: 'expiry.warning' as const, days: 7, expiresAt: active.expiresAt ?? new Date() };

describe('naming a revision in the audit trail', () => {
  it('uses the action recorded on purpose, whatever else changed', () => {
    expect(
      auditActionOf({ record: 'request.retried', from: active, next: badLogin, effects: [], changed: true }),
    ).toBe('request.retried');
  });

  it('calls a new state or a new reason a state change', () => {
    const locked = { ...badLogin, reason: 'locked' as const };
    const change = { record: undefined, effects: [], changed: true };
    expect(auditActionOf({ ...change, from: active, next: badLogin })).toBe('state.changed');
    expect(auditActionOf({ ...change, from: badLogin, next: locked })).toBe('state.changed');
  });

  it('calls a change that only warns of expiry a warning', () => {
    const next = { ...active, warnedDays: [7] };
    expect(auditActionOf({ record: undefined, from: active, next, effects: [warning], changed: true })).toBe(
      'expiry.warned',
    );
  });

  it('calls any other status change an update', () => {
    const next = { ...active, expiresAt: new Date('2027-06-01T00:00:00Z') };
    expect(auditActionOf({ record: undefined, from: active, next, effects: [], changed: true })).toBe(
      'status.updated',
    );
  });

  it('calls a revision that changed only the customer a customer update', () => {
    expect(
      auditActionOf({ record: undefined, from: active, next: active, effects: [], changed: false }),
    ).toBe('customer.updated');
  });
});
