import { createSendClaims, type SendClaims } from '../../src/store/send-claims';
import { useTestDatabase } from '../support/database';

describe('claims on send attempts', () => {
  const db = useTestDatabase('send-claims');
  const now = new Date('2026-11-28T10:00:00Z');
  const callBy = new Date('2026-11-28T10:00:15Z');
  const answerBy = new Date('2026-11-28T10:00:12Z');
  let claims: SendClaims;
  let n = 0;
  const subject = () => `subject-${++n}`;

  beforeAll(async () => {
    claims = createSendClaims(db.connection);
    await claims.init();
    await claims.init(); // a second start finds the collection there
  });

  it('gives each attempt to exactly one of many claimers at once', async () => {
    const s = subject();
    const won = await Promise.all(Array.from({ length: 8 }, () => claims.claim(s, 1, now, callBy)));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await claims.claim(s, 2, now, callBy)).toBe(true);
    expect(await claims.findClaim(s, 1)).toEqual({ callBy });
    expect(await claims.findClaim(s, 3)).toBeNull();
  });

  it('lets an attempt be called or abandoned, never both, whoever comes first', async () => {
    for (let i = 0; i < 5; i++) {
      const s = subject();
      await claims.claim(s, 1, now, callBy);
      const [called, abandoned] = await Promise.all([
        claims.startCall(s, 1, now, answerBy),
        claims.abandon(s, 1, now),
      ]);
      expect(called).toBe(abandoned.state === 'called');
      expect(await claims.findCall(s, 1)).toEqual(abandoned);
    }
  });

  it('refuses to call an abandoned attempt, and keeps a called one called', async () => {
    const late = subject();
    expect(await claims.abandon(late, 1, now)).toEqual({ state: 'abandoned' });
    expect(await claims.startCall(late, 1, now, answerBy)).toBe(false);

    const s = subject();
    expect(await claims.startCall(s, 1, now, answerBy)).toBe(true);
    expect(await claims.abandon(s, 1, now)).toEqual({
      state: 'called',
      calledAt: now,
      answerBy,
      outcome: null,
      messageId: null,
    });
  });

  it('records what became of a call, with the message id or the failure', async () => {
    const sent = subject();
    await claims.startCall(sent, 1, now, answerBy);
    await claims.settle(sent, 1, { outcome: 'unknown' }, now);
    await claims.settle(sent, 1, { outcome: 'sent', messageId: 'msg-1' }, now);
    expect(await claims.findCall(sent, 1)).toMatchObject({ outcome: 'sent', messageId: 'msg-1' });

    const refused = subject();
    await claims.startCall(refused, 1, now, answerBy);
    const failure = { code: 'email_unavailable' as const, message: 'SendGrid failed (503)', retryAt: callBy };
    await claims.settle(refused, 1, { outcome: 'not_sent', failure }, now);
    expect(await claims.failureOf(refused, 1)).toEqual(failure);
    expect(await claims.findCall(subject(), 1)).toBeNull();
  });
});
