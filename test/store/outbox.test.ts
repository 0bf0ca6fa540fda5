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
  beforeEach(async () => {
    await models.OutboxEffect.deleteMany({});
    await models.OutboxKey.deleteMany({});
  });

  let n = 0;
  const recordAs = (id: string, authorizationId: Types.ObjectId, createdAt = at(n)) =>
    outbox.record({
      id,
      authorizationId,
      effect: { type: 'incident.opened', since: T0 } as never,
      createdAt,
    });
  const record = async (authorizationId: Types.ObjectId) => {
    const id = `${authorizationId.toHexString()}:${++n}:0`;
    await recordAs(id, authorizationId, at(n));
    return id;
  };
  const outboxIds = async () =>
    (await models.OutboxEffect.find({}, { _id: 1 }).lean()).map((e) => e._id).sort();
  const keyIds = async () => (await models.OutboxKey.find({}, { _id: 1 }).lean()).map((e) => e._id).sort();
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
    expect(await entry(published)).toBeUndefined();
    expect(await pendingIds(at(0))).toEqual([]);
  });

  it('keeps one entry for an id recorded twice', async () => {
    const a = new Types.ObjectId();
    expect(await recordAs('twice', a)).toBe(true);
    expect(await recordAs('twice', a, at(5_000))).toBe(false);
    expect(await outboxIds()).toEqual(['twice']);
    expect(await keyIds()).toEqual(['twice']);
    expect(await entry('twice')).toMatchObject({ createdAt: at(n) });
  });

  it('drains a published entry, and never takes the same id again', async () => {
    const a = new Types.ObjectId();
    const id = await record(a);
    const other = await record(a);
    await outbox.markPublished(id, at(1_000));

    expect(await outboxIds()).toEqual([other]);
    expect(await pendingIds(at(1_000))).toEqual([other]);
    expect(await outbox.forAuthorization(a.toHexString())).toMatchObject([{ _id: other }]);
    expect(await outbox.countPending()).toBe(1);

    // A retried job or a crash replay records it again: nothing comes back to publish.
    expect(await recordAs(id, a, at(2_000))).toBe(false);
    expect(await outboxIds()).toEqual([other]);
    expect(await pendingIds(at(2_000))).toEqual([other]);
    // Publishing it a second time (another publisher) changes nothing either.
    await outbox.markPublished(id, at(3_000));
    expect(await outboxIds()).toEqual([other]);
    expect(await keyIds()).toEqual([id, other].sort());
  });

  it('remembers an entry recorded by a writer that stopped before its key, once it is published', async () => {
    const a = new Types.ObjectId();
    // The state a crash between the entry's insert and its key's leaves behind.
    await models.OutboxEffect.create({
      _id: 'keyless',
      authorizationId: a,
      version: 0,
      effect: { type: 'incident.opened', since: T0 },
      createdAt: at(0),
    });
    expect(await recordAs('keyless', a)).toBe(false);
    expect(await pendingIds(at(0))).toEqual(['keyless']);
    await outbox.markPublished('keyless', at(1_000));
    expect(await keyIds()).toEqual(['keyless']);
    expect(await recordAs('keyless', a)).toBe(false);
    expect(await outboxIds()).toEqual([]);
  });

  it('keeps a parked entry parked and counted, apart from pending ones, whatever publishing does', async () => {
    const parked = await record(new Types.ObjectId());
    const published = await record(new Types.ObjectId());
    for (let refusals = 0; refusals < PARK_AFTER_REFUSALS; refusals++)
      await outbox.markRefused({ _id: parked, refusals }, 'not_in_channel', at(0));
    await outbox.markPublished(published, at(0));

    expect(await outbox.countParked()).toBe(1);
    expect(await outbox.countPending()).toBe(0);
    expect(await recordAs(parked, new Types.ObjectId())).toBe(false);
    expect(await entry(parked)).toMatchObject({ refusals: PARK_AFTER_REFUSALS, parkedAt: at(0) });
  });

  it('moves published entries of an older install out of the outbox, keeping their ids, once', async () => {
    const a = new Types.ObjectId();
    const raw = (id: string, publishedAt: Date | null) => ({
      _id: id,
      authorizationId: a,
      version: 1,
      effect: { type: 'incident.opened', since: T0 },
      createdAt: at(0),
      publishedAt,
    });
    // What a version that kept published entries left: one published, one still pending.
    await models.OutboxEffect.insertMany([raw('old-published', at(1_000)), raw('old-pending', null)]);

    await outbox.init();
    expect(await outboxIds()).toEqual(['old-pending']);
    expect(await keyIds()).toEqual(['old-pending', 'old-published']);
    expect(await models.OutboxKey.findById('old-published').lean()).toMatchObject({ createdAt: at(1_000) });
    expect(await pendingIds(at(0))).toEqual(['old-pending']);
    expect(await recordAs('old-published', a)).toBe(false);
    expect(await recordAs('old-pending', a)).toBe(false);
    expect(await outboxIds()).toEqual(['old-pending']);

    // A second start finds nothing to move.
    await outbox.init();
    expect(await outboxIds()).toEqual(['old-pending']);
    expect(await keyIds()).toEqual(['old-pending', 'old-published']);
  });

  it('prunes remembered ids by age, leaving entries still to publish', async () => {
    const a = new Types.ObjectId();
    await recordAs('recorded-long-ago', a, at(0));
    await outbox.markPublished('recorded-long-ago', at(1_000));
    await recordAs('still-pending', a, at(0));
    await recordAs('recent', a, at(10 * 86_400_000));
    await outbox.markPublished('recent', at(10 * 86_400_000));

    const pruned = await outbox.pruneKeys(at(86_400_000));
    expect(pruned).toMatchObject({ deleted: 2, complete: true });
    expect(await keyIds()).toEqual(['recent']);
    expect(await outboxIds()).toEqual(['still-pending']);
    // Pending, its key gone: a replay still finds the entry itself.
    expect(await recordAs('still-pending', a)).toBe(false);
    expect(await outboxIds()).toEqual(['still-pending']);
  });
});
