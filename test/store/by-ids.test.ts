import { type Model, Schema } from 'mongoose';
import { deleteByIds, readByIds } from '../../src/store/by-ids';
import { useTestDatabase } from '../support/database';

describe('documents by _id', () => {
  const db = useTestDatabase('by_ids');
  interface Item {
    _id: string;
    n: number;
  }
  const model = (): Model<Item> =>
    (db.connection.models.Item as Model<Item> | undefined) ??
    db.connection.model<Item>('Item', new Schema<Item>({ _id: String, n: Number }, { collection: 'items' }));

  beforeEach(async () => {
    await model().deleteMany({});
    await model().insertMany(Array.from({ length: 12 }, (_, n) => ({ _id: `item-${n}`, n })));
  });

  it('deletes exactly the ids given, however many at once, and ignores ids that are not there', async () => {
    await deleteByIds(model(), ['item-1', 'item-3', 'item-5', 'item-7', 'item-9', 'item-11', 'missing']);
    const left = await model().find({}, { _id: 1 }).lean<{ _id: string }[]>();
    expect(left.map((d) => d._id).sort()).toEqual(
      ['item-0', 'item-2', 'item-4', 'item-6', 'item-8', 'item-10'].sort(),
    );
    await deleteByIds(model(), []);
    expect(await model().countDocuments()).toBe(6);
  });

  it('reads the ids given one by one when few, and in one read when many', async () => {
    const few = await readByIds(model(), ['item-2', 'item-4', 'missing']);
    expect(few.map((d) => d.n).sort()).toEqual([2, 4]);
    const many = Array.from({ length: 300 }, (_, n) => `item-${n}`);
    expect(await readByIds(model(), many)).toHaveLength(12);
  });
});
