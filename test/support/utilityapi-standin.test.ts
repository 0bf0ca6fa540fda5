import { createUtilityApiStandIn } from './utilityapi-standin';

const standIn = createUtilityApiStandIn();
let base: string;

beforeAll(async () => {
  ({ url: base } = await standIn.start());
});
afterAll(() => standIn.stop());
beforeEach(() => {
  standIn.clearRequests();
  standIn.clearFailures();
});

const get = (path: string, token: string | null = standIn.token) =>
  fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const post = (path: string, body: string) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${standIn.token}` }, body });

describe('the UtilityAPI stand-in refuses what UtilityAPI would', () => {
  it.each([
    ['no token', null],
    ['a wrong token', 'guess'],
  ])('answers 401 to %s', async (_name, token) => {
    expect((await get('/authorizations', token)).status).toBe(401);
  });

  it('answers 400 to limit above 1000', async () => {
    const response = await get('/authorizations?limit=1001');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_param' });
  });

  it.each(['is_expired=yes', 'updated_after=2024-01-01', 'limit=0', 'after=nobody'])(
    'answers 400 to %s',
    async (query) => {
      expect((await get(`/authorizations?${query}`)).status).toBe(400);
    },
  );

  it('answers 404 to an unknown uid', async () => {
    expect((await get('/authorizations/nobody')).status).toBe(404);
  });

  it('answers 400 to a form with a malformed email or an unknown field', async () => {
    expect((await post('/forms', '{"customer_email":"nope"}')).status).toBe(400);
    expect((await post('/forms', '{"customer":"x"}')).status).toBe(400);
    expect((await post('/forms', '[1]')).status).toBe(400);
    expect(standIn.forms).toHaveLength(0);
  });

  it('answers 429 with Retry-After past its rate limit', async () => {
    const limited = createUtilityApiStandIn({ rateLimitPerSecond: 5 });
    const { url } = await limited.start();
    try {
      const responses = [];
      for (let i = 0; i < 7; i++) {
        responses.push(
          await fetch(`${url}/authorizations`, { headers: { authorization: `Bearer ${limited.token}` } }),
        );
      }
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(responses[5]?.headers.get('retry-after')).toBe('1');
      expect(limited.peakRequestsPerSecond()).toBe(7);
    } finally {
      await limited.stop();
    }
  });
});

describe('the UtilityAPI stand-in behaves like UtilityAPI', () => {
  it('pages with an absolute next link that keeps the filters', async () => {
    const a = standIn.upsertAuthorization({ utility: 'SMUD' });
    const b = standIn.upsertAuthorization({ utility: 'SMUD' });
    const first = (await (await get('/authorizations?utility=SMUD&limit=1')).json()) as {
      authorizations: Array<{ uid: string }>;
      next: string;
    };
    expect(first.authorizations.map((x) => x.uid)).toEqual([b.uid]);
    expect(first.next).toBe(`${base}/authorizations?utility=SMUD&limit=1&after=${b.uid}`);
    const second = (await (await get(first.next.slice(base.length))).json()) as typeof first;
    expect(second.authorizations.map((x) => x.uid)).toEqual([a.uid]);
    expect(second.next).toBeNull();
  });

  it('merges an upsert into the existing authorization', async () => {
    const a = standIn.upsertAuthorization();
    standIn.upsertAuthorization({ uid: a.uid, is_revoked: true });
    const found = (await (await get(`/authorizations/${a.uid}`)).json()) as Record<string, unknown>;
    expect(found).toMatchObject({ uid: a.uid, is_revoked: true, customer_email: a.customer_email });
  });

  it('creates and records a form, prefilled as asked', async () => {
    const a = standIn.upsertAuthorization();
    const response = await post(
      '/forms',
      JSON.stringify({ authorization_uid: a.uid, customer_email: 'j@example.com' }),
    );
    expect(response.status).toBe(200);
    const form = (await response.json()) as { uid: string; url: string };
    expect(form.url).toBe(`${base}/forms/${form.uid}/authorize`);
    expect(standIn.forms.at(-1)).toMatchObject({ authorization_uid: a.uid, customer_email: 'j@example.com' });
  });

  it('fails on demand, with Retry-After when asked', async () => {
    standIn.failNext(2, 429, { retryAfterSeconds: 3 });
    const first = await get('/authorizations/nobody');
    const second = await get('/authorizations/nobody');
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '3']);
    expect(second.status).toBe(429);
    expect((await get('/authorizations/nobody')).status).toBe(404);
  });

  it('logs requests without the token', async () => {
    await get('/authorizations?is_declined=true');
    expect(standIn.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/authorizations', query: { is_declined: 'true' } }),
    ]);
    expect(JSON.stringify(standIn.requests)).not.toContain(standIn.token);
  });
});

describe('the UtilityAPI stand-in keeps accounts apart', () => {
  it('shows each token only its own account’s authorizations and events, and makes forms only for them', async () => {
    const other = standIn.addAccount();
    const mine = standIn.upsertAuthorization({ utility: 'SCE' });
    const theirs = other.upsertAuthorization({ utility: 'SCE' });
    standIn.addEvent({ uid: 'evt-mine', authorization_uid: mine.uid });
    other.addEvent({ uid: 'evt-theirs', authorization_uid: theirs.uid });

    const listed = async (token: string) =>
      (
        (await (await get('/authorizations?utility=SCE', token)).json()) as {
          authorizations: { uid: string }[];
        }
      ).authorizations.map((a) => a.uid);
    expect(await listed(standIn.token)).toEqual([mine.uid]);
    expect(await listed(other.token)).toEqual([theirs.uid]);
    expect((await get(`/authorizations/${theirs.uid}`)).status).toBe(404);
    expect((await get(`/authorizations/${theirs.uid}`, other.token)).status).toBe(200);
    const events = (await (await get('/events', other.token)).json()) as { events: { uid: string }[] };
    expect(events.events.map((e) => e.uid)).toEqual(['evt-theirs']);
    expect((await post('/forms', JSON.stringify({ authorization_uid: theirs.uid }))).status).toBe(400);

    expect(standIn.requests.map((r) => r.account)).toEqual([
      'account-1',
      'account-2',
      'account-1',
      'account-2',
      'account-2',
      'account-1',
    ]);
    expect(JSON.stringify(standIn.requests)).not.toContain(other.token);
    expect(() => standIn.upsertAuthorization({ uid: theirs.uid })).toThrow(/another account/);
  });
});
