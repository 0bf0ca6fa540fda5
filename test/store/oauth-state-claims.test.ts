import { createOAuthStateClaims, type OAuthStateClaims } from '../../src/store/oauth-state-claims';
import { useTestDatabase } from '../support/database';

describe('OAuth state claims', () => {
  const db = useTestDatabase('oauth_claims');
  const t0 = new Date('2026-06-01T12:00:00Z');
  let claims: OAuthStateClaims;
  beforeAll(async () => {
    claims = createOAuthStateClaims(db.connection, { keepForMs: 60_000 });
    await claims.init();
  });

  it('lets exactly one of many concurrent claims of a nonce win', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => claims.claim('nonce-race', t0)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('forgets claims once they are older than any state could be', async () => {
    expect(await claims.claim('nonce-old', t0)).toBe(true);
    expect(await claims.claim('nonce-new', new Date(t0.getTime() + 60_001))).toBe(true);
    const left = await db.connection.collection('oauth_state_claims').find({}).toArray();
    expect(left.map((c) => c._id)).toEqual(['nonce-new']);
  });
});
