import { Types } from 'mongoose';
import { createModels, ensureIndexes, type Models } from '../../src/store/models';
import { drainPublished, type NewOutboxEntry, recordEntries } from '../../src/store/outbox-keys';
import { useTestDatabase } from '../support/database';

const T0 = new Date('2026-11-20T10:00:00Z');

describe('outbox keys', () => {
  const db = useTestDatabase('outbox-keys');
  let models: Models;

  beforeAll(async () => {
    models = createModels(db.connection);
    await ensureIndexes(models);
  });

  const entry = (id: string): NewOutboxEntry => ({
    _id: id,
    authorizationId: new Types.ObjectId(),
    version: 1,
    effect: { type: 'incident.opened', since: T0 } as never,
    createdAt: T0,
  });
  const outboxIds = async () =>
    (await models.OutboxEffect.find({}, { _id: 1 }).lean()).map((e) => e._id).sort();

  it('records a batch once: new ids enter, pending ones stay single, published ones stay out', async () => {
    expect(await recordEntries(models, [entry('b:pending'), entry('b:published')])).toEqual([
      'b:pending',
      'b:published',
    ]);
    await drainPublished(models, ['b:published'], T0);

    // A repaired revision, or a batch replayed after a crash, records the same effects again.
    const again = await recordEntries(models, [entry('b:published'), entry('b:pending'), entry('b:new')]);
    expect(again).toEqual(['b:new']);
    expect(await outboxIds()).toEqual(['b:new', 'b:pending']);
    const stored = await models.OutboxEffect.findById('b:new').lean();
    expect(stored).toMatchObject({ attempts: 0, refusals: 0, parkedAt: null, publishedAt: null });
  });

  it('drains many at once, and a second drain of the same ids changes nothing', async () => {
    await recordEntries(models, [entry('d:1'), entry('d:2'), entry('d:3')]);
    await drainPublished(models, ['d:1', 'd:2'], T0);
    await drainPublished(models, ['d:1', 'd:2'], new Date(T0.getTime() + 1000));
    expect((await outboxIds()).filter((id) => id.startsWith('d:'))).toEqual(['d:3']);
    const keys = await models.OutboxKey.find({ _id: { $in: ['d:1', 'd:2', 'd:3'] } }).lean();
    expect(keys.map((k) => [k._id, k.createdAt])).toEqual(
      expect.arrayContaining([
        ['d:1', T0],
        ['d:2', T0],
        ['d:3', T0],
      ]),
    );
    expect(await recordEntries(models, [entry('d:1'), entry('d:2')])).toEqual([]);
  });
});
