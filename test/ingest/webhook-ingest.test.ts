import { loadConfig } from '../../src/config';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { type RunningRelink, startRelink } from '../../src/main';
import { signRelinkPayload } from '../../src/platforms/generic/webhook';
import { utilityApiSignature } from '../../src/platforms/utilityapi/webhook';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { silentLog } from '../support/silent-log';
import { createUtilityApiStandIn, utilityApiTime } from '../support/utilityapi-standin';

const UTILITYAPI_SECRET = 'utilityapi-webhook-secret';
const GENERIC_SECRET = 'generic-webhook-secret-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('webhook ingest over real HTTP', () => {
  const utilityapi = createUtilityApiStandIn({ token: 'utilityapi-token' });
  let relink: RunningRelink;
  let base: string;

  beforeAll(async () => {
    const { url } = await utilityapi.start();
    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('ingest')}`,
      UTILITYAPI_TOKEN: 'utilityapi-token',
      UTILITYAPI_URL: url,
      UTILITYAPI_WEBHOOK_SECRET: UTILITYAPI_SECRET,
      WEBHOOK_SIGNING_SECRET: GENERIC_SECRET,
    });
    // Jobs run rarely here: each test drives processing through the webhook's own trigger.
    const slow = {
      processInbox: '1 hour',
      expireDue: '1 hour',
      warnExpiring: '1 hour',
      reconcileUtilityApi: '1 hour',
    };
    relink = await startRelink(config, silentLog(), { jobIntervals: slow });
    base = `http://127.0.0.1:${relink.port}`;
  });

  afterAll(async () => {
    await relink.stop();
    await utilityapi.stop();
  });

  const settled = async () => {
    for (let i = 0; i < 200; i++) {
      if ((await relink.services.inbox.pendingCount()) === 0) return;
      await sleep(25);
    }
    throw new Error('inbox did not settle');
  };
  const effectsOf = async (externalId: string) => {
    const authorization = await relink.services.authorizations.findByKey({
      workspaceId: SINGLE_WORKSPACE_ID,
      source: 'utilityapi',
      externalId: externalId,
    });
    if (!authorization) return [];
    const effects = await relink.services.outbox.forAuthorization(authorization._id.toHexString());
    return effects.map((e) => e.effect.type);
  };
  const deliver = (events: { uid?: string; type: string; authorization_uid?: string }[], tamper = false) =>
    utilityapi.deliverWebhook({
      url: `${base}/webhooks/utilityapi`,
      secret: UTILITYAPI_SECRET,
      events,
      tamper,
    });

  it('turns a signed batch into authorizations and exactly the right outbox effects', async () => {
    const bad = utilityapi.upsertAuthorization({
      notes: [
        { type: 'access_invalid', msg: 'Username and password did not work', ts: utilityApiTime(new Date()) },
      ],
    });
    const fine = utilityapi.upsertAuthorization({});

    const status = await deliver([
      { uid: 'evt-a1', type: 'authorization_update_finished_errored', authorization_uid: bad.uid },
      { uid: 'evt-a2', type: 'authorization_created', authorization_uid: fine.uid },
    ]);
    expect(status).toBe(200);
    await settled();

    const stored = await relink.services.authorizations.findByKey({
      workspaceId: SINGLE_WORKSPACE_ID,
      source: 'utilityapi',
      externalId: bad.uid,
    });
    expect(stored).toMatchObject({ state: 'bad_login', reason: 'invalid_credentials', incidentOpen: true });
    expect(stored?.customer.email).toBe(bad.customer_email);
    expect(await effectsOf(bad.uid)).toEqual(['incident.opened']);
    expect(
      (
        await relink.services.authorizations.findByKey({
          workspaceId: SINGLE_WORKSPACE_ID,
          source: 'utilityapi',
          externalId: fine.uid,
        })
      )?.state,
    ).toBe('active');
    expect(await effectsOf(fine.uid)).toEqual([]);
  });

  it('acknowledges a replayed batch and creates nothing new', async () => {
    const auth = utilityapi.upsertAuthorization({
      is_expired: true,
      expires: utilityApiTime(new Date(Date.now() - 86_400_000)),
    });
    const batch = [{ uid: 'evt-replay-1', type: 'authorization_expired', authorization_uid: auth.uid }];
    expect(await deliver(batch)).toBe(200);
    await settled();
    const auditsBefore = (
      await relink.services.authorizations.history(
        (
          await relink.services.authorizations.findByKey({
            workspaceId: SINGLE_WORKSPACE_ID,
            source: 'utilityapi',
            externalId: auth.uid,
          })
        )?._id.toHexString() ?? '',
      )
    ).length;

    const replay = await fetchReplay(batch);
    expect(replay).toEqual({ status: 200, body: { stored: 0, duplicates: 1 } });
    await settled();
    expect(await effectsOf(auth.uid)).toEqual(['incident.opened']);
    const id =
      (
        await relink.services.authorizations.findByKey({
          workspaceId: SINGLE_WORKSPACE_ID,
          source: 'utilityapi',
          externalId: auth.uid,
        })
      )?._id.toHexString() ?? '';
    expect((await relink.services.authorizations.history(id)).length).toBe(auditsBefore);
  });

  async function fetchReplay(events: object[]) {
    const body = JSON.stringify({ events, next: null });
    const salt = 'replay-salt';
    const response = await fetch(`${base}/webhooks/utilityapi`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-utilityapi-webhook-salt': salt,
        'x-utilityapi-webhook-signature': utilityApiSignature(UTILITYAPI_SECRET, salt, Buffer.from(body)),
      },
      body,
    });
    return { status: response.status, body: await response.json() };
  }

  it('trusts the platform over event order: an old "errored" event after recovery opens nothing', async () => {
    const auth = utilityapi.upsertAuthorization({});
    expect(
      await deliver([
        { uid: 'evt-ooo-2', type: 'authorization_update_finished_successful', authorization_uid: auth.uid },
        { uid: 'evt-ooo-1', type: 'authorization_update_finished_errored', authorization_uid: auth.uid },
      ]),
    ).toBe(200);
    await settled();
    expect(
      (
        await relink.services.authorizations.findByKey({
          workspaceId: SINGLE_WORKSPACE_ID,
          source: 'utilityapi',
          externalId: auth.uid,
        })
      )?.state,
    ).toBe('active');
    expect(await effectsOf(auth.uid)).toEqual([]);
  });

  it('answers an unknown event type and ping with 200 and stores them without changing anything', async () => {
    const before = await relink.services.inbox.storedCount();
    expect(
      await deliver([
        { uid: 'evt-ping', type: 'ping' },
        { uid: 'evt-new', type: 'meter_bill_created' },
      ]),
    ).toBe(200);
    await settled();
    expect(await relink.services.inbox.storedCount()).toBe(before + 2);
    expect(await relink.services.inbox.outcomeOf('utilityapi', 'evt-ping')).toBe('no_authorization');
  });

  it('rejects a tampered or unsigned batch with 401 and stores nothing', async () => {
    const before = await relink.services.inbox.storedCount();
    expect(
      await deliver([{ uid: 'evt-tampered', type: 'authorization_created', authorization_uid: '1' }], true),
    ).toBe(401);
    const unsigned = await fetch(`${base}/webhooks/utilityapi`, { method: 'POST', body: '{"events":[]}' });
    expect(unsigned.status).toBe(401);
    expect(await relink.services.inbox.storedCount()).toBe(before);
  });

  it('rejects signed malformed JSON with 400 and stores nothing', async () => {
    const before = await relink.services.inbox.storedCount();
    const body = '{"events": [ {"uid": "x", ';
    const response = await fetch(`${base}/webhooks/utilityapi`, {
      method: 'POST',
      headers: {
        'x-utilityapi-webhook-salt': 's',
        'x-utilityapi-webhook-signature': utilityApiSignature(UTILITYAPI_SECRET, 's', Buffer.from(body)),
      },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'request body is not valid JSON' });
    expect(await relink.services.inbox.storedCount()).toBe(before);
  });

  describe('POST /webhooks/events', () => {
    const post = (body: string, signature: string) =>
      fetch(`${base}/webhooks/events`, {
        method: 'POST',
        headers: { 'x-relink-signature': signature },
        body,
      });
    const now = () => Math.floor(Date.now() / 1000);
    const event = (id: string, state = 'expired') =>
      JSON.stringify({
        id,
        type: 'authorization.updated',
        occurredAt: new Date().toISOString(),
        authorization: {
          id: `acct-${id}`,
          customer: { name: 'Jane Roe', email: 'jane@example.com' },
          utility: 'SCE',
          state,
        },
      });

    it('stores and applies a signed event', async () => {
      const body = event('g1');
      const response = await post(body, signRelinkPayload(body, GENERIC_SECRET, now()));
      expect(response.status).toBe(200);
      await settled();
      const stored = await relink.services.authorizations.findByKey({
        workspaceId: SINGLE_WORKSPACE_ID,
        source: 'webhook',
        externalId: 'acct-g1',
      });
      expect(stored).toMatchObject({ state: 'expired', utility: 'SCE', customer: { name: 'Jane Roe' } });
    });

    it('rejects a stale signature with 401 and stores nothing', async () => {
      const body = event('g2');
      const before = await relink.services.inbox.storedCount();
      const response = await post(body, signRelinkPayload(body, GENERIC_SECRET, now() - 301));
      expect(response.status).toBe(401);
      expect(await relink.services.inbox.storedCount()).toBe(before);
    });

    it('answers 400 naming every invalid field', async () => {
      const body = JSON.stringify({
        id: 'g3',
        type: 'authorization.updated',
        occurredAt: 'yesterday',
        authorization: { id: 'a', customer: { email: 'not-an-email' }, utility: 'SCE', state: 'broken' },
      });
      const response = await post(body, signRelinkPayload(body, GENERIC_SECRET, now()));
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { details: string[] };
      expect(answer.details.join('\n')).toMatch(/occurredAt/);
      expect(answer.details.join('\n')).toMatch(/authorization\.state/);
    });

    it('applies an event whose email is not an address, keeping no email on file', async () => {
      const body = JSON.stringify({
        id: 'g5',
        type: 'authorization.updated',
        occurredAt: new Date().toISOString(),
        authorization: {
          id: 'acct-g5',
          customer: { name: 'Jane\u202E Roe', email: '<!channel>' },
          utility: 'SCE',
          state: 'bad_login',
          reason: 'invalid_credentials',
        },
      });
      const response = await post(body, signRelinkPayload(body, GENERIC_SECRET, now()));
      expect(response.status).toBe(200);
      await settled();
      const stored = await relink.services.authorizations.findByKey({
        workspaceId: SINGLE_WORKSPACE_ID,
        source: 'webhook',
        externalId: 'acct-g5',
      });
      expect(stored).toMatchObject({ state: 'bad_login', customer: { name: 'Jane Roe', email: null } });
    });

    it('stores and acknowledges an unknown event type', async () => {
      const body = JSON.stringify({ id: 'g4', type: 'meter.read', value: 3 });
      const response = await post(body, signRelinkPayload(body, GENERIC_SECRET, now()));
      expect(response.status).toBe(200);
      await settled();
      expect(await relink.services.inbox.outcomeOf('webhook', 'g4')).toBe('ignored_type');
    });

    it('refuses bodies over 1 MiB with 413', async () => {
      const body = JSON.stringify({ id: 'big', type: 'x', pad: 'x'.repeat(1024 * 1024) });
      const response = await post(body, signRelinkPayload(body, GENERIC_SECRET, now()));
      expect(response.status).toBe(413);
    });
  });
});
