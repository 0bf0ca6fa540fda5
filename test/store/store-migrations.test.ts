import { migrateOnce } from '../../src/store/store-migrations';
import { useTestDatabase } from '../support/database';

describe('one-time migrations of stored data', () => {
  const db = useTestDatabase('store-migrations');

  it('runs a migration once per database, however many starts ask for it', async () => {
    let runs = 0;
    const migrate = async () => {
      runs++;
    };
    await migrateOnce(db.connection, 'count_things', migrate);
    await migrateOnce(db.connection, 'count_things', migrate);
    expect(runs).toBe(1);
    await migrateOnce(db.connection, 'another_thing', migrate);
    expect(runs).toBe(2);
  });

  it('lets processes starting together both finish (each may migrate; neither fails)', async () => {
    let runs = 0;
    const migrate = async () => {
      runs++;
    };
    await Promise.all(Array.from({ length: 6 }, () => migrateOnce(db.connection, 'raced', migrate)));
    expect(runs).toBeGreaterThanOrEqual(1);
    await migrateOnce(db.connection, 'raced', migrate);
    const after = runs;
    await migrateOnce(db.connection, 'raced', migrate);
    expect(runs).toBe(after);
  });

  it('runs again at the next start when a migration failed part-way', async () => {
    await expect(
      migrateOnce(db.connection, 'breaks', async () => {
        throw new Error('the database went away');
      }),
    ).rejects.toThrow('the database went away');
    let ran = false;
    await migrateOnce(db.connection, 'breaks', async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });
});
