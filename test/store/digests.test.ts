import { Types } from 'mongoose';
import { createDigestStore, type DigestMember, type DigestStore } from '../../src/store/digests';
import { createModels, ensureIndexes, type Models } from '../../src/store/models';
import { createOutbox } from '../../src/store/outbox';
import { useTestDatabase } from '../support/database';

const T0 = new Date('2026-11-20T10:00:00Z');

const member = (i: number): DigestMember => ({
  entryId: `entry-${i}`,
  authorizationId: new Types.ObjectId().toHexString(),
  state: 'bad_login',
  reason: null,
});

const present = <T>(x: T | null): T => {
  if (x === null) throw new Error('expected a digest');
  return x;
};

describe('the digest store', () => {
  const db = useTestDatabase('digests');
  let models: Models;
  let store: DigestStore;
  let n = 0;
  const opened = async () => {
    const id = `digest:test-${++n}`;
    await store.open({ _id: id, workspaceId: 'W1', channel: 'C1', kind: 'storm' }, T0);
    return present(await store.findById(id));
  };

  beforeAll(async () => {
    models = createModels(db.connection);
    await ensureIndexes(models);
    store = createDigestStore(db.connection, models);
    await store.ensureIndexes();
  });

  it('counts each member once, oldest first, however joins repeat or overlap', async () => {
    const digest = await opened();
    const m = Array.from({ length: 6 }, (_, i) => member(i));
    await store.join(digest._id, m.slice(0, 3), T0);
    await store.join(digest._id, m.slice(0, 3), T0); // a replay: same chunk
    await store.join(digest._id, m.slice(1, 6), T0); // another publisher read more
    const now = present(await store.findById(digest._id));
    expect(now.chunks).toHaveLength(2);
    expect((await store.members(now)).map((x) => x.entryId)).toEqual(m.map((x) => x.entryId));
  });

  it('keeps the digest document small: members live in their chunks', async () => {
    const digest = await opened();
    await store.join(
      digest._id,
      Array.from({ length: 500 }, (_, i) => member(100 + i)),
      T0,
    );
    const raw = await db.connection.collection('digests').findOne({ _id: digest._id as never });
    expect(raw?.members).toBeUndefined();
    expect(raw?.chunks).toHaveLength(1);
    expect(await store.members(raw as never)).toHaveLength(500);
  });

  it('drains joined outbox entries once, their ids kept, leaving others pending', async () => {
    const outbox = createOutbox(models);
    const ids = ['j1', 'j2', 'other'];
    for (const id of ids) {
      await outbox.record({
        id,
        authorizationId: new Types.ObjectId(),
        effect: { type: 'incident.opened', since: T0 } as never,
        createdAt: T0,
      });
    }
    const later = new Date(T0.getTime() + 1000);
    await store.markJoined(['j1', 'j2'], later);
    await store.markJoined(['j1', 'j2'], new Date(T0.getTime() + 5000)); // a second publisher
    const entries = await models.OutboxEffect.find({ _id: { $in: ids } }).lean();
    expect(entries.map((e) => e._id)).toEqual(['other']);
    expect(entries[0]?.publishedAt).toBeNull();
    const keys = await models.OutboxKey.find({ _id: { $in: ids } }).lean();
    expect(keys.map((k) => k._id).sort()).toEqual(ids.slice().sort());
    expect((await outbox.pending(10, later)).map((e) => e._id)).toEqual(['other']);
    // Shown in the digest: recording one again (a replay) brings nothing back to publish.
    const again = await outbox.record({
      id: 'j2',
      authorizationId: new Types.ObjectId(),
      effect: { type: 'incident.opened', since: T0 } as never,
      createdAt: later,
    });
    expect(again).toBe(false);
    expect((await outbox.pending(10, later)).map((e) => e._id)).toEqual(['other']);
  });

  it('finds an incident’s place in a digest by its authorization, until it resolves', async () => {
    const a = new Types.ObjectId().toHexString();
    await store.place([{ authorizationId: a, digestId: 'digest:x', noticeId: 'incident:e1' }]);
    await store.place([{ authorizationId: a, digestId: 'digest:y', noticeId: 'incident:e9' }]);
    expect(await store.placeOf(a)).toMatchObject({ digestId: 'digest:x', noticeId: 'incident:e1' });
    await store.unplace(a);
    expect(await store.placeOf(a)).toBeNull();
  });
});
