import { lastActivityAt, toAuthorizationFacts } from '../../../src/platforms/utilityapi/mapping';
import { UtilityApiAuthorizationSchema } from '../../../src/platforms/utilityapi/types';

// Payloads shaped like UtilityAPI's documented examples (microsecond timestamps, +00:00 offsets).
const t = (day: number, hour = 12) => `2024-03-${String(day).padStart(2, '0')}T${hour}:30:24.653422+00:00`;
const note = (type: string, ts: string) => ({ type, msg: `note ${type}`, ts });

const payload = (overrides: Record<string, unknown> = {}) => ({
  uid: '12345b',
  created: t(1),
  customer_email: 'pfry@planetexpress.com',
  customer_signature: { type: 'text', ts: t(1), full_name: 'Philip J. Fry' },
  nickname: null,
  utility: 'PG&E',
  expires: 'until_revoked',
  is_expired: false,
  is_declined: false,
  declined: null,
  is_revoked: false,
  revoked: null,
  notes: [note('access_valid', t(1))],
  exports: { bills_combined_csv: 'https://utilityapi.com/api/v2/files/1' },
  ...overrides,
});

const facts = (overrides: Record<string, unknown> = {}) =>
  toAuthorizationFacts(UtilityApiAuthorizationSchema.parse(payload(overrides)));

describe('toAuthorizationFacts', () => {
  it('maps an active authorization with indefinite access', () => {
    expect(facts()).toEqual({
      externalId: '12345b',
      customer: { name: 'Philip J. Fry', email: 'pfry@planetexpress.com' },
      utility: 'PG&E',
      state: 'active',
      reason: null,
      expiresAt: null,
      declinedAt: null,
      revokedAt: null,
      problemSince: null,
    });
  });

  it.each([
    ['revoked wins over everything', { is_revoked: true, revoked: t(9), is_expired: true }, 'revoked', null],
    [
      'declined',
      { is_declined: true, declined: t(5), customer_signature: null, notes: [] },
      'declined',
      null,
    ],
    ['expired', { is_expired: true, expires: t(2) }, 'expired', null],
    ['invalid login', { notes: [note('access_invalid', t(2))] }, 'bad_login', 'invalid_credentials'],
    ['locked account', { notes: [note('access_locked', t(2))] }, 'bad_login', 'locked'],
    ['code needed', { notes: [note('access_code_needed', t(2))] }, 'bad_login', 'mfa_required'],
    [
      'platform retrying',
      { notes: [note('access_valid', t(1)), note('retrying', t(2))] },
      'provider_issue',
      null,
    ],
    ['unsupported account', { notes: [note('access_unsupported', t(2))] }, 'provider_issue', null],
    ['retrying status', { status: 'retrying' }, 'provider_issue', null],
    ['nothing checked yet', { notes: [] }, 'pending', null],
    ['pending status', { status: 'pending' }, 'pending', null],
    ['notes without access news', { notes: [note('meters_collected', t(2))] }, 'active', null],
  ])('%s', (_name, overrides, state, reason) => {
    expect(facts(overrides)).toMatchObject({ state, reason });
  });

  describe('reads notes by timestamp, not array order', () => {
    it('a newer access_valid clears an older bad login listed after it', () => {
      const notes = [note('access_valid', t(3)), note('access_invalid', t(2))];
      expect(facts({ notes }).state).toBe('active');
    });

    it('a newer bad login wins over an older access_valid listed after it', () => {
      const notes = [note('access_locked', t(3)), note('access_valid', t(2))];
      expect(facts({ notes })).toMatchObject({ state: 'bad_login', reason: 'locked' });
    });

    it('a newer non-access note (retrying) does not clear a bad login', () => {
      const notes = [note('access_invalid', t(2)), note('retrying', t(3))];
      expect(facts({ notes })).toMatchObject({ state: 'bad_login', reason: 'invalid_credentials' });
    });

    it('dates a bad login by the note that reported it', () => {
      const notes = [note('access_invalid', t(2)), note('retrying', t(3)), note('access_valid', t(1))];
      expect(facts({ notes }).problemSince).toEqual(new Date(t(2)));
      expect(facts({ notes: [note('access_valid', t(2))] }).problemSince).toBeNull();
    });

    it('compares instants across offsets', () => {
      const notes = [
        note('access_invalid', '2024-03-02T13:00:00+01:00'),
        note('access_valid', '2024-03-02T12:30:00Z'),
      ];
      expect(facts({ notes }).state).toBe('active');
    });

    it('ignores notes whose timestamp cannot be read', () => {
      const notes = [note('access_valid', t(2)), { type: 'access_invalid', ts: 'yesterday' }];
      expect(facts({ notes }).state).toBe('active');
    });

    it('a provider problem that is no longer the newest note is over', () => {
      const notes = [note('retrying', t(2)), note('access_valid', t(3))];
      expect(facts({ notes }).state).toBe('active');
    });
  });

  describe('dates', () => {
    it('reads ISO timestamps with microseconds', () => {
      const f = facts({ expires: t(20), is_declined: true, declined: t(4), is_revoked: true, revoked: t(5) });
      expect(f.expiresAt?.toISOString()).toBe('2024-03-20T12:30:24.653Z');
      expect(f.declinedAt?.toISOString()).toBe('2024-03-04T12:30:24.653Z');
      expect(f.revokedAt?.toISOString()).toBe('2024-03-05T12:30:24.653Z');
    });

    it.each(['until_revoked', 'some_future_preset', '', '2024-13-45'])(
      'treats expires %j as no expiry',
      (expires) => {
        expect(facts({ expires }).expiresAt).toBeNull();
      },
    );
  });

  describe('customer', () => {
    it('falls back to the nickname when the signature has no name', () => {
      const f = facts({
        customer_signature: { type: 'confirmation', ts: t(1) },
        nickname: 'Vance Refrigeration',
      });
      expect(f.customer.name).toBe('Vance Refrigeration');
    });

    it('has no name when neither signature nor nickname gives one', () => {
      expect(facts({ customer_signature: null, nickname: '  ' }).customer.name).toBeNull();
    });

    it('survives an unexpected signature shape', () => {
      expect(facts({ customer_signature: 'scanned', nickname: 'Main Office' }).customer.name).toBe(
        'Main Office',
      );
    });

    it('treats an empty email as none', () => {
      expect(facts({ customer_email: '' }).customer.email).toBeNull();
    });

    it.each([
      'not an email',
      'pfry@planetexpress',
      '<!channel>@planetexpress.com',
      'pfry@<https://evil.example|click>.com',
      `${'p'.repeat(250)}@planetexpress.com`,
    ])('keeps %j as no valid email on file (null)', (customer_email) => {
      expect(facts({ customer_email }).customer.email).toBeNull();
    });

    it('keeps a valid email trimmed', () => {
      expect(facts({ customer_email: ' pfry@planetexpress.com\n' }).customer.email).toBe(
        'pfry@planetexpress.com',
      );
    });

    it('strips bidirectional and zero-width characters from the name', () => {
      const f = facts({
        customer_signature: { type: 'text', full_name: '\u202EPhilip\u200B J.\u2066 Fry\uFEFF' },
      });
      expect(f.customer.name).toBe('Philip J. Fry');
    });

    it('falls back to the nickname when the signature name is only invisible characters', () => {
      const f = facts({ customer_signature: { type: 'text', full_name: '\u200B\u202E' }, nickname: 'Fry' });
      expect(f.customer.name).toBe('Fry');
    });
  });

  it('accepts payloads with optional fields missing and numeric uids', () => {
    const minimal = { uid: 987, utility: 'LADWP', is_expired: false, notes: [note('access_valid', t(1))] };
    expect(toAuthorizationFacts(UtilityApiAuthorizationSchema.parse(minimal))).toEqual({
      externalId: '987',
      customer: { name: null, email: null },
      utility: 'LADWP',
      state: 'active',
      reason: null,
      expiresAt: null,
      declinedAt: null,
      revokedAt: null,
      problemSince: null,
    });
  });

  it('derives declined and revoked from their timestamps when the flags are missing', () => {
    const declined = { uid: 'a', utility: 'SCE', is_expired: false, declined: t(2) };
    const revoked = { uid: 'b', utility: 'SCE', is_expired: false, revoked: t(3) };
    expect(toAuthorizationFacts(UtilityApiAuthorizationSchema.parse(declined)).state).toBe('declined');
    expect(toAuthorizationFacts(UtilityApiAuthorizationSchema.parse(revoked)).state).toBe('revoked');
  });

  it.each([
    ['no uid', { uid: undefined }],
    ['no utility', { utility: undefined }],
    ['is_expired not a boolean', { is_expired: 'no' }],
    ['notes not a list', { notes: 'none' }],
  ])('refuses a payload with %s', (_name, overrides) => {
    expect(UtilityApiAuthorizationSchema.safeParse(payload(overrides)).success).toBe(false);
  });
});

describe('lastActivityAt', () => {
  it('is the newest of creation, decline, revocation and notes', () => {
    const a = UtilityApiAuthorizationSchema.parse(
      payload({ declined: t(4), notes: [note('access_valid', t(2)), note('retrying', t(6))] }),
    );
    expect(lastActivityAt(a)?.toISOString()).toBe('2024-03-06T12:30:24.653Z');
  });

  it('is null when nothing carries a date', () => {
    const a = UtilityApiAuthorizationSchema.parse({ uid: 'x', utility: 'SCE', is_expired: false });
    expect(lastActivityAt(a)).toBeNull();
  });
});
