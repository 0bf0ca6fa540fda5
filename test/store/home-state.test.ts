import { createHomeStateStore, DEFAULT_HOME_STATE, type HomeStateStore } from '../../src/store/home-state';
import { useTestDatabase } from '../support/database';

const now = new Date('2026-06-01T12:00:00Z');

describe('the Home state store', () => {
  const db = useTestDatabase('home_state');
  let store: HomeStateStore;
  // The raw collection, to count documents and to plant one an older relink could have written.
  const states = () => db.connection.collection<{ _id: string } & Record<string, unknown>>('home_states');
  beforeAll(async () => {
    store = createHomeStateStore(db.connection);
    await store.init();
  });

  it('gives the default tab and first page on a first visit', async () => {
    expect(await store.get('T1', 'U-new')).toEqual(DEFAULT_HOME_STATE);
  });

  it('remembers each user’s tab, page and search between openings', async () => {
    await store.set('T1', 'U1', { tab: 'expired_declined', page: 3, search: 'jan' }, now);
    await store.set('T1', 'U2', { tab: 'all', page: 1, search: null }, now);
    expect(await store.get('T1', 'U1')).toEqual({ tab: 'expired_declined', page: 3, search: 'jan' });
    expect(await store.get('T1', 'U2')).toEqual({ tab: 'all', page: 1, search: null });
  });

  it('keeps users of different workspaces apart', async () => {
    await store.set('T2', 'U1', { tab: 'expiring_soon', page: 2, search: null }, now);
    expect(await store.get('T1', 'U1')).toMatchObject({ tab: 'expired_declined' });
    expect(await store.get('T2', 'U1')).toMatchObject({ tab: 'expiring_soon' });
  });

  it('replaces the whole state on each write, one document per user', async () => {
    await store.set('T3', 'U1', { tab: 'awaiting_customer', page: 4, search: 'jane@example.com' }, now);
    await store.set('T3', 'U1', { tab: 'bad_logins', page: 1, search: null }, now);
    expect(await store.get('T3', 'U1')).toEqual({ tab: 'bad_logins', page: 1, search: null });
    expect(await states().countDocuments({ _id: 'T3:U1' })).toBe(1);
  });

  it('keeps one document, the last write, when a user’s first writes race', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, page) =>
        store.set('T4', 'U1', { tab: 'all', page: page + 1, search: null }, now),
      ),
    );
    const state = await store.get('T4', 'U1');
    expect(state.tab).toBe('all');
    expect(state.page).toBeGreaterThanOrEqual(1);
    expect(await states().countDocuments({ _id: 'T4:U1' })).toBe(1);
  });

  it('falls back to the default for a stored tab that no longer exists', async () => {
    await states().insertOne({ _id: 'T5:U1', tab: 'retired_tab', page: 2, search: null, updatedAt: now });
    expect(await store.get('T5', 'U1')).toEqual(DEFAULT_HOME_STATE);
  });
});
