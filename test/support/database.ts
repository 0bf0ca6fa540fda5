import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connect } from '../../src/store/database';

export const testDatabaseUri = (): string => {
  const uri = process.env.RELINK_TEST_MONGODB_URI;
  if (!uri)
    throw new Error(
      'RELINK_TEST_MONGODB_URI is unset: run the tests with jest (globalSetup starts the database)',
    );
  return uri;
};

/** A database name no other test file or worker uses, so files never see each other's data. */
export const uniqueDbName = (label: string): string =>
  `relink_test_${process.env.JEST_WORKER_ID ?? '0'}_${label.replace(/\W+/g, '_').slice(0, 20)}_${randomBytes(3).toString('hex')}`;

/**
 * Gives the calling test file its own database for its lifetime: connected before the first test,
 * dropped after the last.
 */
export function useTestDatabase(label: string): { readonly connection: Connection } {
  let connection: Connection | undefined;
  beforeAll(async () => {
    connection = await connect(testDatabaseUri(), uniqueDbName(label));
  });
  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });
  return {
    get connection() {
      if (!connection) throw new Error('useTestDatabase: connection is only available inside tests');
      return connection;
    },
  };
}
