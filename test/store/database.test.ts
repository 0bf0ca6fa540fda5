import { type Model, Schema } from 'mongoose';
import { useTestDatabase } from '../support/database';

interface Account {
  source: string;
  externalId: string;
  state: string;
  version: number;
}

const accountSchema = new Schema<Account>({
  source: { type: String, required: true },
  externalId: { type: String, required: true },
  state: { type: String, required: true },
  version: { type: Number, default: 0 },
});
accountSchema.index({ source: 1, externalId: 1 }, { unique: true });

describe('the database under test', () => {
  const db = useTestDatabase('database');
  const model = (): Model<Account> =>
    (db.connection.models.Account as Model<Account> | undefined) ??
    db.connection.model<Account>('Account', accountSchema);

  beforeAll(async () => {
    await model().createIndexes();
  });

  it('creates, reads, updates and deletes documents through mongoose', async () => {
    const created = await model().create({ source: 'utilityapi', externalId: 'crud-1', state: 'active' });
    expect((await model().findById(created._id).lean())?.state).toBe('active');

    await model().updateOne({ _id: created._id }, { $set: { state: 'bad_login' }, $inc: { version: 1 } });
    expect(await model().findById(created._id).lean()).toMatchObject({ state: 'bad_login', version: 1 });

    await model().deleteOne({ _id: created._id });
    expect(await model().findById(created._id)).toBeNull();
  });

  it('rejects a duplicate on the unique compound index with code 11000', async () => {
    await model().create({ source: 'utilityapi', externalId: 'dup-1', state: 'active' });
    await expect(
      model().create({ source: 'utilityapi', externalId: 'dup-1', state: 'expired' }),
    ).rejects.toMatchObject({
      code: 11000,
    });
    // Same externalId from another source is a different authorization.
    await expect(
      model().create({ source: 'webhook', externalId: 'dup-1', state: 'active' }),
    ).resolves.toBeDefined();
  });

  // FerretDB 1.24 runs findOneAndUpdate as "query, then write by _id" without re-checking the filter,
  // so a compare-and-set through it can have several winners (README, "FerretDB differences").
  // relink's atomic primitive is the unique insert: of many concurrent claims exactly one succeeds.
  it('lets exactly one of many concurrent claims of the same next version win', async () => {
    const revisions = db.connection.collection<{ _id: string; by: number }>('revisions_probe');
    const attempts = Array.from({ length: 12 }, (_, by) =>
      revisions.insertOne({ _id: 'authorization-1:2', by }).then(
        () => by,
        (err: { code?: number }) => {
          if (err.code === 11000) return null;
          throw err;
        },
      ),
    );
    const winners = (await Promise.all(attempts)).filter((by) => by !== null);
    expect(winners).toHaveLength(1);
    expect(await revisions.findOne({ _id: 'authorization-1:2' })).toMatchObject({ by: winners[0] });
  });
});
