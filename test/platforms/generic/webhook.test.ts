import { createHmac } from 'node:crypto';
import {
  describeZodIssues,
  GenericAuthorizationEvent,
  signRelinkPayload,
  verifyRelinkSignature,
} from '../../../src/platforms/generic/webhook';

const secret = 'relink-webhook-secret';
const now = new Date('2024-05-01T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);
const rawBody = Buffer.from('{"id":"evt_1","type":"authorization.updated"}');
const hmac = (s: string, ts: number, body: Buffer) =>
  createHmac('sha256', s).update(`${ts}.${body.toString()}`).digest('hex');

const verify = (
  header: string | undefined,
  overrides: Partial<Parameters<typeof verifyRelinkSignature>[0]> = {},
) => verifyRelinkSignature({ header, rawBody, secret, now, ...overrides });

describe('verifyRelinkSignature', () => {
  it('accepts a payload signed by signRelinkPayload', () => {
    expect(verify(signRelinkPayload(rawBody, secret, t))).toEqual({ ok: true });
  });

  it('signs as documented: t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">', () => {
    expect(signRelinkPayload(rawBody, secret, t)).toBe(`t=${t},v1=${hmac(secret, t, rawBody)}`);
  });

  it('refuses a tampered body', () => {
    const header = signRelinkPayload(rawBody, secret, t);
    expect(verify(header, { rawBody: Buffer.from(`${rawBody.toString()} `) })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a payload signed with another secret', () => {
    expect(verify(signRelinkPayload(rawBody, 'wrong', t))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a signature whose t was changed after signing', () => {
    const header = `t=${t - 10},v1=${hmac(secret, t, rawBody)}`;
    expect(verify(header)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it.each([
    ['older than the tolerance', t - 301],
    ['further in the future than the tolerance', t + 301],
  ])('refuses a t %s as stale', (_name, ts) => {
    expect(verify(signRelinkPayload(rawBody, secret, ts))).toEqual({ ok: false, reason: 'stale' });
  });

  it('accepts t at the edge of the tolerance, and honours a custom tolerance', () => {
    expect(verify(signRelinkPayload(rawBody, secret, t - 300))).toEqual({ ok: true });
    expect(verify(signRelinkPayload(rawBody, secret, t - 30), { toleranceSeconds: 10 })).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it.each([undefined, '', '   '])('reports a missing header (%j)', (header) => {
    expect(verify(header)).toEqual({ ok: false, reason: 'missing' });
  });

  const v1 = hmac(secret, t, rawBody);
  it.each([
    ['no t', `v1=${v1}`],
    ['no v1', `t=${t}`],
    ['a non-numeric t', `t=soon,v1=${v1}`],
    ['two t values', `t=${t},t=${t},v1=${v1}`],
    ['a short v1', `t=${t},v1=${v1.slice(0, 10)}`],
    ['a part without =', `t=${t},${v1}`],
    ['garbage', 'sha256=abc'],
  ])('reports a malformed header with %s', (_name, header) => {
    expect(verify(header)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('ignores unknown schemes next to v1', () => {
    expect(verify(`t=${t},v0=whatever,v1=${v1}`)).toEqual({ ok: true });
  });

  describe('key rotation', () => {
    const oldSecret = 'old-secret';
    const newSecret = 'new-secret';
    const both = `t=${t},v1=${hmac(oldSecret, t, rawBody)},v1=${hmac(newSecret, t, rawBody)}`;

    it('accepts a header carrying signatures for the old and new key, whichever relink holds', () => {
      expect(verify(both, { secret: oldSecret })).toEqual({ ok: true });
      expect(verify(both, { secret: newSecret })).toEqual({ ok: true });
    });

    it('accepts either key while relink holds both', () => {
      expect(verify(signRelinkPayload(rawBody, oldSecret, t), { secret: [newSecret, oldSecret] })).toEqual({
        ok: true,
      });
      expect(verify(signRelinkPayload(rawBody, newSecret, t), { secret: [newSecret, oldSecret] })).toEqual({
        ok: true,
      });
    });

    it('refuses when no signature matches any key', () => {
      expect(verify(both, { secret: ['third', ''] })).toEqual({ ok: false, reason: 'mismatch' });
    });
  });
});

describe('GenericAuthorizationEvent', () => {
  const event = {
    id: 'evt_1',
    type: 'authorization.updated',
    occurredAt: '2024-05-01T11:59:00Z',
    authorization: {
      id: 'auth_9',
      customer: { name: 'Jane Doe', email: 'jane@example.com' },
      utility: 'PG&E',
      state: 'bad_login',
      reason: 'invalid_credentials',
      expiresAt: null,
    },
  };

  it('accepts a complete event, and one with only the required fields', () => {
    expect(GenericAuthorizationEvent.safeParse(event).success).toBe(true);
    const minimal = {
      ...event,
      occurredAt: '2024-05-01T13:59:00+02:00',
      authorization: { id: 'a', customer: { email: 'a@b.co' }, utility: 'SCE', state: 'active' },
    };
    expect(GenericAuthorizationEvent.safeParse(minimal).success).toBe(true);
  });

  it('explains every problem in one readable line each', () => {
    const bad = {
      ...event,
      type: 'authorization.deleted',
      occurredAt: 'yesterday',
      authorization: {
        ...event.authorization,
        customer: { email: 'not-an-email' },
        state: 'broken',
        reason: 'typo',
      },
    };
    const result = GenericAuthorizationEvent.safeParse(bad);
    expect(result.success).toBe(false);
    const lines = result.success ? [] : describeZodIssues(result.error);
    expect(lines.map((line) => line.split(':')[0])).toEqual(
      expect.arrayContaining(['type', 'occurredAt', 'authorization.state', 'authorization.reason']),
    );
  });

  it('keeps a missing or invalid email as null ("no valid email on file") instead of refusing the event', () => {
    const withEmail = (email: unknown) =>
      GenericAuthorizationEvent.parse({
        ...event,
        authorization: { ...event.authorization, customer: { name: 'Jane Doe', email } },
      }).authorization.customer.email;
    expect(withEmail('  jane@example.com ')).toBe('jane@example.com');
    for (const invalid of ['not-an-email', '<!channel>@example.com', 'jane@example', '', null, undefined]) {
      expect(withEmail(invalid)).toBeNull();
    }
    expect(withEmail(`${'j'.repeat(250)}@example.com`)).toBeNull();
  });

  it('strips bidirectional and zero-width characters from the name, and keeps a name of only those as none', () => {
    const withName = (name: unknown) =>
      GenericAuthorizationEvent.parse({
        ...event,
        authorization: { ...event.authorization, customer: { name, email: 'jane@example.com' } },
      }).authorization.customer.name;
    expect(withName('Jane\u202E eoD\u202C\u200B')).toBe('Jane eoD');
    expect(withName('\u2066\uFEFF\u200D')).toBeNull();
    expect(withName(undefined)).toBeNull();
  });

  it('reads its own output again, as the inbox processor does with the stored event', () => {
    const parsed = GenericAuthorizationEvent.parse({
      ...event,
      authorization: { ...event.authorization, customer: { email: 'not-an-email' } },
    });
    expect(GenericAuthorizationEvent.parse(parsed)).toEqual(parsed);
  });

  it('names a missing nested field by its path', () => {
    const { utility: _u, ...withoutUtility } = event.authorization;
    const result = GenericAuthorizationEvent.safeParse({ ...event, authorization: withoutUtility });
    expect(result.success ? [] : describeZodIssues(result.error)).toEqual([
      expect.stringMatching(/^authorization\.utility: /),
    ]);
  });
});
