import { createSuppressionStore, type SuppressionStore, suppressionId } from '../../src/store/suppressions';
import { useTestDatabase } from '../support/database';

describe('the suppression store', () => {
  const db = useTestDatabase('suppressions');
  const now = new Date('2026-11-28T10:00:00Z');
  const at = new Date('2026-11-28T09:58:00Z');
  let store: SuppressionStore;

  beforeAll(async () => {
    store = createSuppressionStore(db.connection);
    await store.init();
  });

  const record = (workspaceId: string, email: string, reason: 'spamreport' | 'unsubscribe') =>
    store.record({ workspaceId, email, reason, at, requestId: 'r1', now });

  it('finds an address whatever its case, only in its own workspace', async () => {
    expect(await record('T1', 'Jane@Example.com', 'spamreport')).toBe(true);
    expect(await store.find('T1', 'jane@example.com')).toEqual({ reason: 'spamreport', at });
    expect(await store.find('T2', 'jane@example.com')).toBeNull();
    expect(await store.find('T1', 'jane2@example.com')).toBeNull();
  });

  it('keeps the first report: a repeat or a second kind changes nothing', async () => {
    expect(await record('T1', 'bob@example.com', 'unsubscribe')).toBe(true);
    expect(await record('T1', 'BOB@example.com', 'spamreport')).toBe(false);
    expect(await store.find('T1', 'bob@example.com')).toEqual({ reason: 'unsubscribe', at });
  });

  it('is keyed by workspace and a hash: no address is stored in clear', async () => {
    await record('T3', 'carol@example.com', 'spamreport');
    const raw = await db.connection.collection('email_suppressions').find({ workspaceId: 'T3' }).toArray();
    expect(raw.map((d) => d._id)).toEqual([suppressionId('T3', 'carol@example.com')]);
    expect(JSON.stringify(raw)).not.toContain('carol');
    expect(suppressionId('T3', ' Carol@Example.com ')).toBe(suppressionId('T3', 'carol@example.com'));
  });
});
