import { Types } from 'mongoose';
import { auditEventId } from '../../src/domain/record-ids';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createInboxProcessor } from '../../src/ingest/inbox-processor';
import { createAuthorizationStore } from '../../src/store/authorizations';
import { createInbox } from '../../src/store/inbox';
import { createModels, ensureIndexes, type Models } from '../../src/store/models';
import { createOutbox } from '../../src/store/outbox';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';
import { silentLog } from '../support/silent-log';
import { singleUtilityApiAccount } from '../support/utilityapi-accounts';

const badLogin = (at: Date) => observedEvent('bad_login', at);

describe('the authorization store', () => {
  const db = useTestDatabase('authorizations');
  let models: Models;
  beforeAll(async () => {
    models = createModels(db.connection);
    await ensureIndexes(models);
  });

  it('records each effect exactly once when many writers apply the same event at once', async () => {
    const store = createAuthorizationStore(models);
    const now = new Date('2026-11-01T10:00:00Z');
    const key = {
      workspaceId: SINGLE_WORKSPACE_ID,
      source: 'utilityapi' as const,
      externalId: 'concurrent-1',
    };
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        store.applyByKey(key, { event: badLogin(now), actor: 'platform', now }),
      ),
    );
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    const id = results[0]?.authorizationId ?? '';
    expect((await createOutbox(models).forAuthorization(id)).map((e) => e.effect.type)).toEqual([
      'incident.opened',
    ]);
    expect(await store.findById(id)).toMatchObject({ state: 'bad_login', version: 1, incidentOpen: true });
  });

  it('completes a revision a crash left half-applied, once, however often repair runs', async () => {
    const store = createAuthorizationStore(models);
    const now = new Date('2026-11-02T10:00:00Z');
    const created = await store.applyByKey(
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', externalId: 'crash-1' },
      { event: { ...badLogin(now), state: 'active', reason: null }, actor: 'platform', now },
    );
    const id = new Types.ObjectId(created.authorizationId);
    // Simulate a crash right after the revision claim: its marker and audit event exist, nothing else.
    const revision = auditEventId(created.authorizationId, created.version + 1);
    await models.RevisionMarker.create({ _id: revision, at: now, create: null });
    await models.AuditEvent.create({
      _id: auditEventId(created.authorizationId, created.version + 1),
      authorizationId: id,
      version: created.version + 1,
      actor: 'platform',
      action: 'state.changed',
      from: 'active',
      to: 'bad_login',
      sourceEventId: 'evt-crash',
      at: now,
      next: { ...badLogin(now), lastEventAt: now, incidentOpen: true, warnedDays: [] },
      customer: null,
      effects: [{ type: 'incident.opened', state: 'bad_login', reason: 'invalid_credentials' }],
      appliedAt: null,
    });
    expect((await store.findById(created.authorizationId))?.state).toBe('active');

    const later = new Date(now.getTime() + 60_000);
    expect(await store.repairUnapplied(later)).toBe(1);
    expect(await store.repairUnapplied(later)).toBe(0);
    expect(await store.findById(created.authorizationId)).toMatchObject({
      state: 'bad_login',
      version: created.version + 1,
    });
    const effects = await createOutbox(models).forAuthorization(created.authorizationId);
    expect(effects.map((e) => e.effect.type)).toEqual(['incident.opened']);
  });

  it('marks once, at the first repair, revisions a crash left unapplied before single writes were marked', async () => {
    const store = createAuthorizationStore(models);
    const now = new Date('2026-11-02T11:00:00Z');
    const created = await store.applyByKey(
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', externalId: 'crash-legacy' },
      { event: { ...badLogin(now), state: 'active', reason: null }, actor: 'platform', now },
    );
    // An interrupted revision from an older relink: an audit event, no marker.
    await models.AuditEvent.create({
      _id: auditEventId(created.authorizationId, created.version + 1),
      authorizationId: new Types.ObjectId(created.authorizationId),
      version: created.version + 1,
      actor: 'platform',
      action: 'state.changed',
      from: 'active',
      to: 'bad_login',
      sourceEventId: 'evt-legacy',
      at: now,
      next: { ...badLogin(now), lastEventAt: now, incidentOpen: true, warnedDays: [] },
      customer: null,
      effects: [{ type: 'incident.opened', state: 'bad_login', reason: 'invalid_credentials' }],
      appliedAt: null,
    });
    await db.connection.collection('store_migrations').deleteOne({ _id: 'single_revisions_marked' as never });
    const later = new Date(now.getTime() + 60_000);
    expect(await store.repairUnapplied(later)).toBeGreaterThanOrEqual(1);
    expect(await store.findById(created.authorizationId)).toMatchObject({ state: 'bad_login' });
    expect(await models.RevisionMarker.countDocuments({})).toBe(0);
  });

  it('finishes the inbox after a processor stopped mid-way, processing each event once', async () => {
    const store = createAuthorizationStore(models);
    const inbox = createInbox(db.connection);
    await inbox.init();
    const now = new Date('2026-11-03T10:00:00Z');
    const events = Array.from({ length: 5 }, (_, n) => ({
      workspaceId: SINGLE_WORKSPACE_ID,
      source: 'webhook',
      eventId: `restart-${n}`,
      type: 'authorization.updated',
      payload: {
        id: `restart-${n}`,
        type: 'authorization.updated',
        occurredAt: now.toISOString(),
        authorization: {
          id: `restart-acct-${n}`,
          customer: { email: `c${n}@example.com` },
          utility: 'SCE',
          state: 'declined',
        },
      },
    }));
    // Two deliveries: a batch takes whole deliveries.
    await inbox.store(events.slice(0, 2), now);
    await inbox.store(events.slice(2), now);
    const processor = (batchSize: number) =>
      createInboxProcessor({
        inbox,
        authorizations: store,
        utilityapi: singleUtilityApiAccount(SINGLE_WORKSPACE_ID, null),
        log: silentLog(),
        clock: () => now,
        batchSize,
      });

    expect(await processor(2).runOnce()).toBe(2); // the first process stops here
    await processor(50).drain(); // a restarted process

    expect(await inbox.pendingCount()).toBe(0);
    const outbox = createOutbox(models);
    for (let n = 0; n < 5; n++) {
      const authorization = await store.findByKey({
        workspaceId: SINGLE_WORKSPACE_ID,
        source: 'webhook',
        externalId: `restart-acct-${n}`,
      });
      const effects = await outbox.forAuthorization(authorization?._id.toHexString() ?? '');
      expect(effects.map((e) => e.effect.type)).toEqual(['incident.opened']);
    }
  });
});

describe('the inbox', () => {
  const db = useTestDatabase('inbox');

  it('queues an event a crash left stored but unqueued, and only that one', async () => {
    const inbox = createInbox(db.connection);
    await inbox.init();
    const now = new Date('2026-11-04T10:00:00Z');
    await inbox.store(
      [{ workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', eventId: 'queued-1', type: 't', payload: {} }],
      now,
    );
    // The crash: the event reached the archive but not the queue, and the store's mark stayed behind.
    const { insertedId } = await db.connection.collection('inbox').insertOne({
      workspaceId: SINGLE_WORKSPACE_ID,
      source: 'webhook',
      eventId: 'orphan-1',
      type: 't',
      payload: {},
      receivedAt: now,
    });
    const twoMinutesAgo = Types.ObjectId.createFromTime(Math.floor(Date.now() / 1000) - 120);
    await db.connection.collection('inbox_store_marks').insertOne({ _id: twoMinutesAgo, ids: [insertedId] });

    expect(await inbox.requeueOrphans()).toBe(1);
    expect(await inbox.requeueOrphans()).toBe(0);
    expect((await inbox.due(now, 10)).map((e) => e.eventId).sort()).toEqual(['orphan-1', 'queued-1']);
  });

  it('answers a duplicate delivery as a duplicate and queues nothing new', async () => {
    const inbox = createInbox(db.connection);
    await inbox.init();
    const now = new Date('2026-11-05T10:00:00Z');
    const events = [
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', eventId: 'dup-a', type: 't', payload: {} },
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', eventId: 'dup-b', type: 't', payload: {} },
    ];
    expect(await inbox.store(events, now)).toEqual({ stored: 2, duplicates: 0 });
    expect(
      await inbox.store(
        [
          ...events,
          {
            workspaceId: SINGLE_WORKSPACE_ID,
            source: 'utilityapi',
            eventId: 'dup-c',
            type: 't',
            payload: {},
          },
        ],
        now,
      ),
    ).toEqual({
      stored: 1,
      duplicates: 2,
    });
    expect((await inbox.due(now, 10)).filter((e) => e.eventId.startsWith('dup-'))).toHaveLength(3);
  });
});
