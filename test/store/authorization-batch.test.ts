import type { AuthorizationState, PlatformKey } from '../../src/domain/authorization';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createAuthorizationStore } from '../../src/store/authorizations';
import { createModels, ensureIndexes, type Models } from '../../src/store/models';
import { createOutbox } from '../../src/store/outbox';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';

const keyOf = (externalId: string): PlatformKey => ({
  workspaceId: SINGLE_WORKSPACE_ID,
  source: 'utilityapi',
  externalId,
});
const observed = (externalId: string, state: AuthorizationState, now: Date) => ({
  key: keyOf(externalId),
  options: {
    event: observedEvent(state, now),
    customer: { name: null, email: `${externalId}@example.com`, utility: 'PG&E' },
    actor: 'platform',
    sourceEventId: `evt-${externalId}`,
    now,
  },
});

describe('applying many authorizations at once', () => {
  const db = useTestDatabase('authorization_batch');
  let models: Models;
  beforeAll(async () => {
    models = createModels(db.connection);
    await ensureIndexes(models);
  });

  const effectsOf = async (externalId: string, store = createAuthorizationStore(models)) => {
    const doc = await store.findByKey(keyOf(externalId));
    return (await createOutbox(models).forAuthorization(doc?._id.toHexString() ?? '')).map(
      (e) => e.effect.type,
    );
  };

  it('creates new authorizations and changes known ones as single writes would, with no marker left', async () => {
    const store = createAuthorizationStore(models);
    const now = new Date('2026-11-05T10:00:00Z');
    await store.applyByKey(keyOf('known-1'), observed('known-1', 'active', now).options);

    const later = new Date(now.getTime() + 60_000);
    const results = await store.applyMany([
      observed('new-1', 'bad_login', later),
      observed('new-2', 'active', later),
      observed('known-1', 'bad_login', later),
      observed('new-1', 'bad_login', later),
    ]);

    expect(results.map((r) => [r.changed, r.version])).toEqual([
      [true, 1],
      [true, 1],
      [true, 2],
      [false, 1],
    ]);
    expect(await store.findByKey(keyOf('new-1'))).toMatchObject({
      state: 'bad_login',
      version: 1,
      incidentOpen: true,
      customer: { email: 'new-1@example.com' },
      utility: 'PG&E',
    });
    expect(await store.findByKey(keyOf('known-1'))).toMatchObject({ state: 'bad_login', version: 2 });
    expect(await effectsOf('new-1')).toEqual(['incident.opened']);
    expect(await effectsOf('new-2')).toEqual([]);
    expect(await effectsOf('known-1')).toEqual(['incident.opened']);
    expect((await store.history(results[0]?.authorizationId ?? '')).map((a) => a.to)).toEqual(['bad_login']);
    expect(await models.RevisionMarker.countDocuments()).toBe(0);

    // The same observations again change nothing and write nothing.
    const again = await store.applyMany([observed('new-1', 'bad_login', later)]);
    expect(again[0]?.changed).toBe(false);
  });

  it('records each effect once when a batch and single writers race for the same authorizations', async () => {
    const now = new Date('2026-11-06T10:00:00Z');
    const ids = ['race-1', 'race-2', 'race-3'];
    // Separate stores: separate processes, each with its own memory of keys.
    await Promise.all([
      createAuthorizationStore(models).applyMany(ids.map((id) => observed(id, 'bad_login', now))),
      ...ids.map((id) =>
        createAuthorizationStore(models).applyByKey(keyOf(id), observed(id, 'bad_login', now).options),
      ),
      createAuthorizationStore(models).applyMany(ids.map((id) => observed(id, 'bad_login', now))),
    ]);
    for (const id of ids) {
      expect(await effectsOf(id)).toEqual(['incident.opened']);
      expect(await createAuthorizationStore(models).findByKey(keyOf(id))).toMatchObject({
        state: 'bad_login',
        version: 1,
      });
    }
  });

  it('completes a batch cut short after its claims: the authorization is created, its effects written once', async () => {
    const store = createAuthorizationStore(models);
    const now = new Date('2026-11-07T10:00:00Z');
    // What a crash after step 2 leaves: the key, the marker and the audit event, nothing else.
    const { Authorization, OutboxEffect } = models;
    const insertAuthorization = Authorization.insertMany.bind(Authorization);
    const insertOutbox = OutboxEffect.insertMany.bind(OutboxEffect);
    const crash = () => Promise.reject(new Error('process stopped'));
    Object.assign(Authorization, { insertMany: crash });
    Object.assign(OutboxEffect, { insertMany: crash });
    try {
      await expect(store.applyMany([observed('cut-1', 'bad_login', now)])).rejects.toThrow('process stopped');
    } finally {
      Object.assign(Authorization, { insertMany: insertAuthorization });
      Object.assign(OutboxEffect, { insertMany: insertOutbox });
    }
    expect(await store.findByKey(keyOf('cut-1'))).toBeNull();
    expect(await models.RevisionMarker.countDocuments()).toBe(1);

    const later = new Date(now.getTime() + 60_000);
    expect(await store.repairUnapplied(later)).toBe(1);
    expect(await store.repairUnapplied(later)).toBe(0);
    expect(await store.findByKey(keyOf('cut-1'))).toMatchObject({ state: 'bad_login', version: 1 });
    expect(await effectsOf('cut-1')).toEqual(['incident.opened']);

    // Later observations build on the repaired revision.
    const results = await createAuthorizationStore(models).applyMany([observed('cut-1', 'active', later)]);
    expect(results[0]).toMatchObject({ changed: true, version: 2 });
    expect(await effectsOf('cut-1')).toEqual(['incident.opened', 'incident.resolved']);
  });

  describe("by the database's sole writer", () => {
    it('changes each authorization as a writer that reads would, across batches, one effect per change', async () => {
      const store = createAuthorizationStore(models, {}, { soleWriter: true });
      const at = (minutes: number) => new Date(Date.UTC(2026, 10, 8, 10, minutes));
      const states: AuthorizationState[] = ['bad_login', 'bad_login', 'active', 'bad_login'];
      const results = [];
      for (const [n, state] of states.entries())
        results.push((await store.applyMany([observed('sole-1', state, at(n))]))[0]);
      expect(results.map((r) => [r?.changed, r?.version])).toEqual([
        [true, 1],
        [false, 1],
        [true, 2],
        [true, 3],
      ]);
      expect(await store.findByKey(keyOf('sole-1'))).toMatchObject({ state: 'bad_login', version: 3 });
      expect(await effectsOf('sole-1')).toEqual(['incident.opened', 'incident.resolved', 'incident.opened']);
    });

    it('plans on its copies, where a writer that shares the database reads the authorization again', async () => {
      const now = new Date('2026-11-09T10:00:00Z');
      const sole = createAuthorizationStore(models, {}, { soleWriter: true });
      await sole.applyMany([observed('sole-2', 'bad_login', now)]);
      // A change no sole writer can meet (nothing else writes to its database), made to tell the two apart.
      const id = (await sole.findByKey(keyOf('sole-2')))?._id;
      await models.Authorization.updateOne({ _id: id }, { $set: { state: 'active', incidentOpen: false } });

      const later = new Date(now.getTime() + 60_000);
      const [fromCopy] = await sole.applyMany([observed('sole-2', 'bad_login', later)]);
      expect(fromCopy).toMatchObject({ changed: false, version: 1 });
      const [fromDatabase] = await createAuthorizationStore(models).applyMany([
        observed('sole-2', 'bad_login', later),
      ]);
      expect(fromDatabase).toMatchObject({ changed: true, version: 2 });
    });
  });
});
