import { isSampleId, SAMPLE_AUTHORIZATIONS, sampleObservation } from '../../src/domain/samples';

const now = new Date('2026-11-29T12:00:00Z');

describe('sample authorizations', () => {
  it('are four, one per problem, each named and keyed as a sample', () => {
    expect(SAMPLE_AUTHORIZATIONS.map((s) => s.problem)).toEqual([
      'bad_login',
      'expired',
      'declined',
      'expiring_soon',
    ]);
    for (const sample of SAMPLE_AUTHORIZATIONS) {
      expect(isSampleId(sample.externalId)).toBe(true);
      expect(sample.name).toMatch(/\(sample\)$/);
    }
    expect(isSampleId('auth-123')).toBe(false);
  });

  it('are observed in the state their problem names, the expiring one inside its warning window', () => {
    const [badLogin, expired, declined, expiring] = SAMPLE_AUTHORIZATIONS.map((s) =>
      sampleObservation(s, now, 7),
    );
    expect(badLogin).toMatchObject({ state: 'bad_login', reason: 'invalid_credentials' });
    expect(expired?.state).toBe('expired');
    expect(expired?.expiresAt?.getTime()).toBeLessThan(now.getTime());
    expect(declined).toMatchObject({ state: 'declined', declinedAt: expect.any(Date) });
    const left = (expiring?.expiresAt?.getTime() ?? 0) - now.getTime();
    expect(expiring?.state).toBe('active');
    expect(left).toBeGreaterThan(6 * 86_400_000);
    expect(left).toBeLessThan(7 * 86_400_000);
  });
});
