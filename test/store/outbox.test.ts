import { Types } from 'mongoose';
import { createModels, ensureIndexes, type Models } from '../../src/store/models';
import { createOutbox, type Outbox, PARK_AFTER_REFUSALS } from '../../src/store/outbox';
import { useTestDatabase } from '../support/database';

const T0 = new Date('2026-11-20T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('the outbox', () => {
  const db = useTestDatabase('outbox');
  let models: Models;
  let outbox: Outbox;

  beforeAll(async () => {
    models = createModels(db.connection);
    await ensureIndexes(models);
    outbox = createOutbox(models);
  });
  beforeEach(() => models.OutboxEffect.deleteMany({}));

  let n = 0;
  const record = async (authorizationId: Types.ObjectId) => {
    const id = `${authorizationId.toHexString()}:${++n}:0`;
    await outbox.record({
      id,
      authorizationId,
      effect: { type: 'incident.opened', since: T0 } as never,
      createdAt: at(n),
    });
    return id;
  };
  const entry = async (id: string) => (await models.OutboxEffect.findById(id).lean()) ?? undefined;
  const pendingIds = async (now: Date, limit = 100) => (await outbox.pending(limit, now)).map((e) => e._id);

  it('keeps a refused entry, and its authorization’s later entries, out of line until its wait is over', async () => {
    const a = new Types.ObjectId();
    const b = new Types.ObjectId();
    const a1 = await record(a);
    const b1 = await record(b);
    const a2 = await record(a);

    const refused = await outbox.markRefused({ _id: a1, refusals: 0 }, 'not_in_channel', at(0));
    expect(refused).toEqual({ refusals: 1, parked: false, retryAt: at(30_000) });
    expect(await pendingIds(at(29_000))).toEqual([b1]);
    expect(await pendingIds(at(30_000))).toEqual([a1, b1, a2]);
  });

  it('fills its limit past waiting entries, so they never starve newer ones', async () => {
    const waiting = [];
    for (let i = 0; i < 5; i++) waiting.push(await record(new Types.ObjectId()));
    const fresh = await record(new Types.ObjectId());
    for (const id of waiting) await outbox.markRefused({ _id: id, refusals: 0 }, 'channel_not_found', at(0));

    expect(await pendingIds(at(1_000), 1)).toEqual([fresh]);
  });

  it(`parks an entry at its ${PARK_AFTER_REFUSALS}rd refusal, counts it apart, and puts it back on retry`, async () => {
    const id = await record(new Types.ObjectId());
    const second = await outbox.markRefused({ _id: id, refusals: 1 }, 'channel_not_found', at(0));
    expect(second).toEqual({ refusals: 2, parked: false, retryAt: at(120_000) });
    const third = await outbox.markRefused({ _id: id, refusals: 2 }, 'channel_not_found', at(200_000));
    expect(third).toEqual({ refusals: 3, parked: true, retryAt: null });

    expect(await entry(id)).toMatchObject({
      parkedAt: at(200_000),
      lastError: 'channel_not_found',
      attempts: 2,
    });
    expect(await pendingIds(at(10 * 86_400_000))).toEqual([]);
    expect(await outbox.countPending()).toBe(0);
    expect(await outbox.countParked()).toBe(1);

    expect(await outbox.retryParked()).toBe(1);
    expect(await entry(id)).toMatchObject({ parkedAt: null, retryAt: null, refusals: 0 });
    expect(await pendingIds(at(200_001))).toEqual([id]);
    expect(await outbox.countParked()).toBe(0);
    expect(await outbox.countPending()).toBe(1);
  });

  it('counts nothing against an entry when Slack was only unavailable', async () => {
    const id = await record(new Types.ObjectId());
    await outbox.markFailed(id, 'http_503');
    expect(await entry(id)).toMatchObject({ attempts: 1, refusals: 0, retryAt: null, parkedAt: null });
    expect(await pendingIds(at(0))).toEqual([id]);
  });

  it('leaves published entries alone when retrying parked ones', async () => {
    const published = await record(new Types.ObjectId());
    await outbox.markPublished(published, at(0));
    expect(await outbox.retryParked()).toBe(0);
    expect(await entry(published)).toMatchObject({ publishedAt: at(0) });
  });
});
