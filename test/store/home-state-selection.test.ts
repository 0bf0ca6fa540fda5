import { createHomeStateStore, EMPTY_SELECTION, type HomeStateStore } from '../../src/store/home-state';
import { useTestDatabase } from '../support/database';

const now = new Date('2026-06-01T12:00:00Z');

describe('the Home state store’s bulk selection', () => {
  const db = useTestDatabase('home_selection');
  let store: HomeStateStore;
  beforeAll(async () => {
    store = createHomeStateStore(db.connection);
    await store.init();
  });

  it('is empty on a first visit', async () => {
    expect(await store.getSelection('T1', 'U-new')).toEqual(EMPTY_SELECTION);
  });

  it('keeps each user’s selection apart from their Home state and from other users', async () => {
    const ids = ['a'.repeat(24), 'b'.repeat(24)];
    await store.set('T1', 'U1', { tab: 'all', page: 3, search: null }, now);
    await store.setSelection(
      'T1',
      'U1',
      { tab: 'all', search: 'jan', all: false, ids, lastBulkId: null },
      now,
    );
    await store.setSelection('T1', 'U2', { ...EMPTY_SELECTION, all: true }, now);
    expect(await store.getSelection('T1', 'U1')).toEqual({
      tab: 'all',
      search: 'jan',
      all: false,
      ids,
      lastBulkId: null,
    });
    expect(await store.getSelection('T1', 'U2')).toMatchObject({ all: true, ids: [] });
    expect(await store.get('T1', 'U1')).toEqual({ tab: 'all', page: 3, search: null });
  });

  it('keeps thousands of ids in one small document read by _id', async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => i.toString(16).padStart(24, '0'));
    await store.setSelection('T2', 'U1', { ...EMPTY_SELECTION, ids, lastBulkId: 'c'.repeat(24) }, now);
    const held = await store.getSelection('T2', 'U1');
    expect(held.ids).toHaveLength(3000);
    expect(held.lastBulkId).toBe('c'.repeat(24));
    expect(await db.connection.collection('home_selections').countDocuments({ _id: 'T2:U1' as never })).toBe(
      1,
    );
  });
});
