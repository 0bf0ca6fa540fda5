import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logger';
import {
  createUtilityApiClient,
  type UtilityApiClientOptions,
  UtilityApiError,
} from '../../../src/platforms/utilityapi/client';
import { silentLog } from '../../support/silent-log';
import { createUtilityApiStandIn } from '../../support/utilityapi-standin';

const standIn = createUtilityApiStandIn();
let baseUrl: string;

beforeAll(async () => {
  ({ url: baseUrl } = await standIn.start());
});
afterAll(() => standIn.stop());
beforeEach(() => {
  standIn.clearRequests();
  standIn.clearFailures();
});

const fastRetry = { maxAttempts: 5, baseDelayMs: 10, maxTotalMs: 5_000 };
const clientFor = (overrides: Partial<UtilityApiClientOptions> = {}) =>
  createUtilityApiClient({ baseUrl, token: standIn.token, log: silentLog(), retry: fastRetry, ...overrides });

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const page of pages) all.push(page);
  return all;
}

async function rejection(promise: Promise<unknown>): Promise<UtilityApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof UtilityApiError) return err;
    throw err;
  }
  throw new Error('expected a UtilityApiError');
}

describe('listing authorizations', () => {
  const created: string[] = [];
  beforeAll(() => {
    for (let i = 0; i < 2_345; i++) created.push(standIn.upsertAuthorization().uid);
  });

  it('follows next through every page and visits each authorization once', async () => {
    const pages = await collect(clientFor().listAuthorizations());
    const uids = pages.flat().map((a) => a.uid);
    expect(pages.map((p) => p.length)).toEqual([1000, 1000, uids.length - 2000]);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).toEqual(expect.arrayContaining(created));
    expect(standIn.requests.map((r) => r.query.limit)).toEqual(['1000', '1000', '1000']);
    expect(standIn.requests.map((r) => r.headers.accept)).toEqual(Array(3).fill('application/json'));
  });

  it('passes the state filters UtilityAPI supports', async () => {
    const expired = standIn.upsertAuthorization({
      is_expired: true,
      expires: '2020-01-01T00:00:00.000000+00:00',
    });
    const pages = await collect(clientFor().listAuthorizations({ isExpired: true, isDeclined: false }));
    expect(pages.flat().map((a) => a.uid)).toContain(expired.uid);
    expect(pages.flat().every((a) => a.is_expired)).toBe(true);
    expect(standIn.requests[0]?.query).toMatchObject({ is_expired: 'true', is_declined: 'false' });
  });

  it('filters by last activity on our side, since UtilityAPI has no such filter', async () => {
    const recent = standIn.upsertAuthorization({
      notes: [{ type: 'access_invalid', ts: '2030-01-01T00:00:00.000000+00:00' }],
    });
    const pages = await collect(
      clientFor().listAuthorizations({ updatedAfter: new Date('2029-12-31T00:00:00Z') }),
    );
    expect(pages.flat().map((a) => a.uid)).toEqual([recent.uid]);
    expect(Object.keys(standIn.requests[0]?.query ?? {})).toEqual(['limit']);
  });

  it('fetches many uids with one list call per 1000, in input order, skipping unknown ones', async () => {
    const wanted = [...created.slice(0, 2_100).reverse(), 'no-such-uid'];
    const found = await clientFor().getAuthorizations(wanted);
    expect(found.map((a) => a.uid)).toEqual(wanted.slice(0, 2_100));
    expect(standIn.requests).toHaveLength(3);
    expect(standIn.requests.map((r) => r.query.uids?.split(',').length)).toEqual([1000, 1000, 101]);
    expect(standIn.peakRequestsPerSecond()).toBeLessThanOrEqual(3);
  });

  it('asks for nothing when given no uids', async () => {
    expect(await clientFor().getAuthorizations([])).toEqual([]);
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('single calls', () => {
  it('gets one authorization with the bearer token', async () => {
    const a = standIn.upsertAuthorization({ uid: 'ab/12', customer_email: 'jane@example.com' });
    const found = await clientFor().getAuthorization(a.uid);
    expect(found).toMatchObject({ uid: 'ab/12', customer_email: 'jane@example.com', utility: 'PG&E' });
  });

  it('creates a reauthorization form and returns its link', async () => {
    const a = standIn.upsertAuthorization();
    const form = await clientFor().createForm({
      authorization_uid: a.uid,
      customer_email: 'jane@example.com',
      utility: 'SCE',
    });
    expect(form.url).toBe(`${baseUrl}/forms/${form.uid}/authorize`);
    expect(standIn.forms.at(-1)).toMatchObject({
      uid: form.uid,
      authorization_uid: a.uid,
      customer_email: 'jane@example.com',
      utility: 'SCE',
    });
  });

  it('pages through events', async () => {
    const added = [standIn.addEvent({ type: 'authorization_expired' }), standIn.addEvent({ type: 'ping' })];
    const events = (await collect(clientFor().listEvents())).flat();
    expect(events.map((e) => e.uid)).toEqual(expect.arrayContaining(added.map((e) => e.uid)));
  });
});

describe('failures', () => {
  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    const a = standIn.upsertAuthorization();
    standIn.failNext(1, 429, { retryAfterSeconds: 1 });
    const started = Date.now();
    await expect(clientFor().getAuthorization(a.uid)).resolves.toMatchObject({ uid: a.uid });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(standIn.requests).toHaveLength(2);
  });

  it('retries 5xx with backoff and succeeds', async () => {
    const a = standIn.upsertAuthorization();
    standIn.failNext(2, 500);
    await expect(clientFor().getAuthorization(a.uid)).resolves.toMatchObject({ uid: a.uid });
    expect(standIn.requests).toHaveLength(3);
  });

  it('throws a rejection with status and body on other 4xx, without retrying', async () => {
    const err = await rejection(clientFor().createForm({ customer_email: 'not an email' }));
    expect(err).toMatchObject({ code: 'utilityapi_rejected', status: 400, body: { error: 'invalid_param' } });
    expect(standIn.requests).toHaveLength(1);
  });

  it('reports an unknown uid as a 404 rejection', async () => {
    expect(await rejection(clientFor().getAuthorization('missing'))).toMatchObject({
      code: 'utilityapi_rejected',
      status: 404,
    });
  });

  it('stops after maxAttempts', async () => {
    standIn.failNext(10, 503);
    const err = await rejection(clientFor({ retry: { ...fastRetry, maxAttempts: 3 } }).getAuthorization('x'));
    expect(err).toMatchObject({ code: 'utilityapi_unavailable', status: 503 });
    expect(standIn.requests).toHaveLength(3);
  });

  it('gives up within maxTotalMs', async () => {
    standIn.failNext(40, 500);
    const started = Date.now();
    const retry = { maxAttempts: 40, baseDelayMs: 100, maxTotalMs: 800 };
    const err = await rejection(clientFor({ retry }).getAuthorization('x'));
    expect(err.code).toBe('utilityapi_unavailable');
    expect(Date.now() - started).toBeLessThan(1_200);
  });

  it('does not wait for a Retry-After beyond the budget', async () => {
    standIn.failNext(1, 429, { retryAfterSeconds: 60 });
    const started = Date.now();
    const err = await rejection(
      clientFor({ retry: { ...fastRetry, maxTotalMs: 2_000 } }).getAuthorization('x'),
    );
    expect(err).toMatchObject({ code: 'utilityapi_unavailable', status: 429 });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('retries when nothing answers, then gives up as unavailable', async () => {
    const client = clientFor({
      baseUrl: 'http://127.0.0.1:9/api/v2',
      retry: { maxAttempts: 2, baseDelayMs: 10 },
    });
    const err = await rejection(client.getAuthorization('x'));
    expect(err).toMatchObject({ code: 'utilityapi_unavailable', status: null });
  });

  it('refuses a response that is not as documented', async () => {
    const fakeFetch: typeof fetch = async () => Response.json({ authorizations: 'nope', next: null });
    const err = await rejection(collect(clientFor({ fetch: fakeFetch }).listAuthorizations()));
    expect(err.code).toBe('utilityapi_bad_response');
  });

  it('never sends the token to another host named by a next link', async () => {
    const calls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      calls.push(String(input));
      return Response.json({
        authorizations: [],
        next: 'https://evil.example/api/v2/authorizations?after=1',
      });
    };
    const err = await rejection(collect(clientFor({ fetch: fakeFetch }).listAuthorizations()));
    expect(err.code).toBe('utilityapi_bad_response');
    expect(calls).toHaveLength(1);
  });
});

describe('logging', () => {
  it('never writes the token, even while retrying and failing', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ level: 'trace', pretty: false }, sink);
    const client = clientFor({ log });
    const a = standIn.upsertAuthorization();

    standIn.failNext(1, 500);
    await client.getAuthorization(a.uid);
    const rejected = await rejection(client.createForm({ customer_email: 'bad' }));
    log.error({ err: rejected }, 'form failed');

    expect(lines.some((line) => line.includes('utilityapi retrying'))).toBe(true);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(line).not.toContain(standIn.token);
    expect(JSON.stringify(rejected)).not.toContain(standIn.token);
    expect(rejected.message).not.toContain(standIn.token);
  });
});
