import { type Model, Schema, Types } from 'mongoose';
import { deleteExpired, objectIdAt } from '../../src/store/batched-delete';
import { useTestDatabase } from '../support/database';

interface Doc {
  _id: Types.ObjectId;
  n: number;
  doneAt: Date | null;
}

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('deleting expired documents in batches', () => {
  const db = useTestDatabase('batched_delete');
  let docs: Model<Doc>;

  beforeAll(() => {
    docs = db.connection.model<Doc>(
      'BatchedDoc',
      new Schema<Doc>({ n: Number, doneAt: { type: Date, default: null } }, { collection: 'batched' }),
    );
  });
  beforeEach(() => docs.deleteMany({}));

  /** Ten documents created a minute apart; the odd ones are done that same minute. */
  const seed = () =>
    docs.insertMany(
      Array.from({ length: 10 }, (_, n) => ({
        _id: objectIdAt(at(n)),
        n,
        doneAt: n % 2 === 1 ? at(n) : null,
      })),
    );
  const left = async () => (await docs.find({}).sort({ n: 1 }).lean()).map((d) => d.n);

  it('deletes what is older than the cutoff by _id, batch by batch, and keeps the document at the cutoff', async () => {
    await seed();
    const result = await deleteExpired(docs, { ageField: '_id', before: objectIdAt(at(7)), batchSize: 3 });
    expect(result).toEqual({ deleted: 7, batches: 3, complete: true });
    expect(await left()).toEqual([7, 8, 9]);
  });

  it('goes by a date field, and never deletes documents whose field is still null', async () => {
    await seed();
    expect(await deleteExpired(docs, { ageField: 'doneAt', before: at(100), batchSize: 2 })).toEqual({
      deleted: 5,
      batches: 3,
      complete: true,
    });
    expect(await left()).toEqual([0, 2, 4, 6, 8]);
  });

  it('goes on past a young document among the oldest (created first, done last)', async () => {
    await docs.insertMany(
      Array.from({ length: 10 }, (_, n) => ({ _id: objectIdAt(at(n)), n, doneAt: at(n === 0 ? 100 : n) })),
    );
    const result = await deleteExpired(docs, { ageField: 'doneAt', before: at(50), batchSize: 3 });
    expect(result).toMatchObject({ deleted: 9, complete: true });
    expect(await left()).toEqual([0]);
  });

  it('keeps the documents it is told to keep, whatever their age', async () => {
    await seed();
    const keepIds = [objectIdAt(at(1)), objectIdAt(at(4))];
    const result = await deleteExpired(docs, {
      ageField: '_id',
      before: objectIdAt(at(6)),
      keepIds,
      batchSize: 2,
    });
    expect(result.deleted).toBe(4);
    expect(await left()).toEqual([1, 4, 6, 7, 8, 9]);
  });

  it('stops after maxBatches and says the run is not complete; the next run goes on', async () => {
    await seed();
    const first = await deleteExpired(docs, {
      ageField: '_id',
      before: objectIdAt(at(9)),
      batchSize: 2,
      maxBatches: 2,
    });
    expect(first).toEqual({ deleted: 4, batches: 2, complete: false });
    expect(await left()).toEqual([4, 5, 6, 7, 8, 9]);
    const next = await deleteExpired(docs, { ageField: '_id', before: objectIdAt(at(9)), batchSize: 2 });
    expect(next).toMatchObject({ deleted: 5, complete: true });
    expect(await left()).toEqual([9]);
  });

  it('has nothing to do on an empty or young collection', async () => {
    expect(await deleteExpired(docs, { ageField: '_id', before: objectIdAt(at(5)) })).toEqual({
      deleted: 0,
      batches: 0,
      complete: true,
    });
    await docs.create({ _id: new Types.ObjectId(), n: 1 });
    expect(await deleteExpired(docs, { ageField: '_id', before: objectIdAt(at(5)) })).toMatchObject({
      deleted: 0,
    });
    expect(await left()).toEqual([1]);
  });
});
