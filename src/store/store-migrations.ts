import { type Connection, type Model, Schema } from 'mongoose';
import { upsertRacing } from './duplicate-key';
import { definition } from './models';

/**
 * One-time changes to stored data (a new pointer collection built from what was written before it
 * existed). Each is recorded by name once it completed: later starts skip it with one read by `_id`.
 * A crash part-way means the next start runs it again, so a migration must be safe to repeat.
 */
interface MigrationDocument {
  _id: string;
  completedAt: Date;
}

const schema = new Schema(
  definition({
    _id: { type: String, required: true },
    completedAt: { type: Date, required: true },
  }),
  { collection: 'store_migrations', versionKey: false },
);

const model = (connection: Connection): Model<MigrationDocument> =>
  (connection.models.StoreMigration ??
    connection.model('StoreMigration', schema)) as unknown as Model<MigrationDocument>;

/** Runs `migrate` unless the migration `name` completed before on this database. */
export async function migrateOnce(
  connection: Connection,
  name: string,
  migrate: () => Promise<void>,
): Promise<void> {
  const Migration = model(connection);
  if (await Migration.exists({ _id: name })) return;
  await migrate();
  // Two processes starting together may both migrate (it is safe to repeat) and both record it.
  await upsertRacing(() =>
    Migration.updateOne({ _id: name }, { $set: { completedAt: new Date() } }, { upsert: true }),
  );
}
