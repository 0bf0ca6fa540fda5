import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createReauthService } from '../../src/reauth/reauth-service';
import { createSuppressionsInMemory } from '../../src/reauth/suppressions-in-memory';
import { createAuthorizationStore } from '../../src/store/authorizations';
import { createStoreObserver } from '../../src/store/listeners';
import type { Outbox } from '../../src/store/outbox';
import type { RequestStore } from '../../src/store/requests';
import { createSuppressionStore, type SuppressionStore } from '../../src/store/suppressions';
import { createWorklistSource } from '../../src/store/worklist-source';
import { createWorklist } from '../../src/worklist/worklist';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';
import { ALICE, DRAFT, newRequest, requestStoreWithOutbox } from '../support/requests';
import { silentLog } from '../support/silent-log';
import { countedStepRuns } from '../support/step-runs';

const PROBLEM = { state: 'bad_login' as const, reason: 'invalid_credentials' as const };

describe('recording reauth requests', () => {
  const db = useTestDatabase('reauth-service');
  const now = new Date('2026-11-28T10:00:00Z');
  let requests: RequestStore;
  let outbox: Outbox;
  let service: ReturnType<typeof createReauthService>;
  let suppressions: SuppressionStore;
  let history: (authorizationId: string) => Promise<{ action: string }[]>;
  let sends: ReturnType<typeof countedStepRuns>;
  let wokenBefore = 0;
  const woken = () => sends.runs - wokenBefore;
  let seed: () => Promise<string>;
  let n = 0;

  beforeAll(async () => {
    // The form is prepared from memory: the worklist and the suppressions hear the stores, as in main.ts.
    const worklist = createWorklist({
      source: createWorklistSource(db.connection),
      expiringWithinDays: 30,
      refreshEveryMs: null,
      log: silentLog(),
    });
    const kept = createSuppressionsInMemory();
    // The stores announce a queued request; that starts the send step, counted here (src/flows/steps.ts).
    sends = countedStepRuns('sendRequests');
    const observer = createStoreObserver((err) => {
      throw err;
    });
    for (const part of [worklist.listeners, sends.listeners]) observer.listen(part);
    const stores = await requestStoreWithOutbox(db.connection, observer.listeners);
    ({ outbox, requests } = stores);
    const authorizations = createAuthorizationStore(stores.models, worklist.listeners);
    history = async (id) => authorizations.history(id);
    suppressions = createSuppressionStore(db.connection, kept.listeners);
    await suppressions.init();
    await kept.load(suppressions);
    service = createReauthService({
      authorizations,
      requests,
      suppressions,
      inMemory: { worklist, suppression: kept.find, cooldownHours: async () => 24 },
      cooldownHours: async () => 24,
      clock: () => now,
    });
    seed = async () =>
      (
        await authorizations.applyByKey(
          { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', externalId: `ua-${++n}` },
          { event: observedEvent('bad_login', now), actor: 'platform', now },
        )
      ).authorizationId;
  });
  beforeEach(() => {
    wokenBefore = sends.runs;
  });

  const entriesOf = async (authorizationId: string) =>
    (await outbox.forAuthorization(authorizationId)).map((e) => e.effect.type);
  const submit = (authorizationId: string, idempotencyKey: string, draft = DRAFT) =>
    service.requestSend({
      workspaceId: SINGLE_WORKSPACE_ID,
      authorizationId,
      draft,
      problem: PROBLEM,
      requestedBy: ALICE,
      idempotencyKey,
    });

  it('queues a new request for the notice and wakes the sender', async () => {
    const authorizationId = await seed();
    const { request, created } = await submit(authorizationId, 'view-1');
    expect(created).toBe(true);
    expect(request.status).toBe('queued');
    expect(await entriesOf(authorizationId)).toEqual(['incident.opened', 'request.queued']);
    expect(woken()).toBe(1);
  });

  it('finishes a submit that stopped before its notice heard of it, and only that once', async () => {
    const authorizationId = await seed();
    // The first attempt stored the request, then stopped.
    await requests.create(newRequest(authorizationId, 'view-2'), now);
    expect((await submit(authorizationId, 'view-2')).created).toBe(false);
    expect((await submit(authorizationId, 'view-2')).created).toBe(false);
    expect(await entriesOf(authorizationId)).toEqual(['incident.opened', 'request.queued']);
    expect(woken()).toBe(1);
  });

  it('leaves a repeat of a request that already moved on alone', async () => {
    const authorizationId = await seed();
    // "Send anyway": the repeat comes after the email went out, inside the cooldown.
    const draft = { ...DRAFT, sendAnyway: true };
    const { request } = await submit(authorizationId, 'view-3', draft);
    await requests.advance(request, 'sent', null, now, { sentAt: now });
    wokenBefore = sends.runs;
    expect((await submit(authorizationId, 'view-3', draft)).request.status).toBe('sent');
    expect(woken()).toBe(0);
    expect((await requests.findById(request._id.toHexString()))?.status).toBe('sent');
  });

  it('supersedes the open requests of the authorization when a new one is queued', async () => {
    const authorizationId = await seed();
    const first = await submit(authorizationId, 'view-4');
    const second = await submit(authorizationId, 'view-5');
    expect((await requests.findById(first.request._id.toHexString()))?.status).toBe('superseded');
    expect((await requests.findById(second.request._id.toHexString()))?.status).toBe('queued');
  });

  it('queues a failed request again on Retry and wakes the sender', async () => {
    const authorizationId = await seed();
    const { request } = await submit(authorizationId, 'view-6');
    await requests.advance(request, 'failed', null, now, {
      lastError: { code: 'email_rejected', message: 'x' },
    });
    wokenBefore = sends.runs;
    await service.retry(SINGLE_WORKSPACE_ID, request._id.toHexString(), ALICE);
    expect(await requests.findById(request._id.toHexString())).toMatchObject({
      status: 'queued',
      lastError: null,
    });
    expect(woken()).toBe(1);
  });

  it('refuses Retry on a failed request a newer one replaced: only the newest may be open', async () => {
    const authorizationId = await seed();
    const { request: older } = await submit(authorizationId, 'view-7');
    await requests.advance(older, 'failed', null, now, {
      lastError: { code: 'email_rejected', message: 'x' },
    });
    const { request: newer } = await submit(authorizationId, 'view-8');
    await expect(service.retry(SINGLE_WORKSPACE_ID, older._id.toHexString(), ALICE)).rejects.toMatchObject({
      code: 'request_replaced',
    });
    expect((await requests.findById(older._id.toHexString()))?.status).toBe('failed');
    expect((await requests.latestFor(authorizationId))?._id.toHexString()).toBe(newer._id.toHexString());
  });

  describe('addresses the customer asked not to be emailed, and bounced ones', () => {
    const suppress = (email: string, reason: 'spamreport' | 'unsubscribe' = 'spamreport') =>
      suppressions.record({ workspaceId: SINGLE_WORKSPACE_ID, email, reason, at: now, requestId: 'r0', now });

    it('refuses a request to a suppressed address without Send anyway, whatever its case', async () => {
      const authorizationId = await seed();
      await suppress('spam.refused@example.com');
      const draft = { ...DRAFT, customerEmail: 'Spam.Refused@Example.com' };
      await expect(submit(authorizationId, 'view-s1', draft)).rejects.toMatchObject({
        code: 'email_suppressed',
      });
      expect(await entriesOf(authorizationId)).toEqual(['incident.opened']);
      expect(woken()).toBe(0);
    });

    it('sends with Send anyway, once, and audits the override', async () => {
      const authorizationId = await seed();
      await suppress('spam.override@example.com', 'unsubscribe');
      const draft = { ...DRAFT, customerEmail: 'spam.override@example.com', sendAnyway: true };
      const { request, created } = await submit(authorizationId, 'view-s2', draft);
      expect(created).toBe(true);
      expect(request.sendAnyway).toBe(true);
      expect((await history(authorizationId)).map((e) => e.action)).toContain(
        'request.created_despite_suppression',
      );
      expect(woken()).toBe(1);
    });

    it('never lets an automatic send through to a suppressed address, override or not', async () => {
      const authorizationId = await seed();
      await suppress('spam.auto@example.com');
      const ask = (sender: 'automatic' | 'person', override: boolean) =>
        service.emailEligibility({
          workspaceId: SINGLE_WORKSPACE_ID,
          authorizationId,
          email: 'spam.auto@example.com',
          sender,
          override,
        });
      expect(await ask('automatic', true)).toMatchObject({ allowed: false, because: 'suppressed' });
      expect(await ask('person', false)).toMatchObject({ allowed: false, because: 'suppressed' });
      expect(await ask('person', true)).toEqual({ allowed: true });
      // Another workspace's customer with the same address is not theirs to refuse.
      const elsewhere = await service.emailEligibility({
        workspaceId: 'T0OTHER',
        authorizationId,
        email: 'spam.auto@example.com',
        sender: 'automatic',
      });
      expect(elsewhere).toEqual({ allowed: true });
    });

    it('flags the bounced address in the form and keeps automatic sends off it', async () => {
      const authorizationId = await seed();
      const { request } = await submit(authorizationId, 'view-b1');
      await requests.advance(request, 'bounced', null, now, {
        lastError: { code: 'bounce', message: '550 mailbox unavailable' },
      });
      const form = await service.prepareForm(SINGLE_WORKSPACE_ID, authorizationId);
      expect(form.bounced).toEqual({ sentTo: DRAFT.customerEmail, reason: '550 mailbox unavailable' });
      const eligibility = (email: string) =>
        service.emailEligibility({
          workspaceId: SINGLE_WORKSPACE_ID,
          authorizationId,
          email,
          sender: 'automatic',
        });
      expect(await eligibility(DRAFT.customerEmail)).toEqual({ allowed: false, because: 'bounced' });
      expect(await eligibility('fixed@example.com')).toEqual({ allowed: true });
    });
  });
});
