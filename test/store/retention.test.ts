import { Types } from 'mongoose';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { objectIdAt } from '../../src/store/batched-delete';
import { createRetention, type RetentionSettings } from '../../src/store/retention';
import { openStores, type Stores } from '../../src/store/stores';
import { useTestDatabase } from '../support/database';
import { silentLog } from '../support/silent-log';

const DAY = 86_400_000;
const NOW = new Date('2027-03-01T12:00:00Z');
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY + extraMs);
const DEFAULTS: RetentionSettings = {
  webhookPayloadDays: 30,
  inboxOutcomeDays: 7,
  publishedOutboxDays: 7,
  auditDays: 400,
};

describe('retention', () => {
  const db = useTestDatabase('retention');
  let stores: Stores;
  const collection = (name: string) => db.connection.collection(name);
  const idsIn = async (name: string) =>
    (await collection(name).find({}).toArray()).map((d) => String(d._id)).sort();

  beforeAll(async () => {
    stores = await openStores(db.connection);
  });

  /** One record on each side of each window, plus what must stay whatever its age. */
  async function seed() {
    const authorizationId = new Types.ObjectId();
    const outbox = async (id: string, createdDaysAgo: number) => {
      await stores.outbox.record({
        id,
        authorizationId,
        effect: { type: 'incident.opened' } as never,
        createdAt: ago(createdDaysAgo),
      });
      return id;
    };
    // Published entries leave the outbox at once; their ids are what ages out, from their recording.
    await stores.outbox.markPublished(await outbox('recorded-8-days-ago', 8), ago(8));
    const justInside = await stores.outbox.record({
      id: 'recorded-just-inside',
      authorizationId,
      effect: { type: 'incident.opened' } as never,
      createdAt: ago(7, 60_000),
    });
    expect(justInside).toBe(true);
    await stores.outbox.markPublished('recorded-just-inside', ago(7, 120_000));
    await outbox('never-published', 100);
    const parked = await outbox('parked', 100);
    for (let refusals = 0; refusals < 3; refusals++)
      await stores.outbox.markRefused({ _id: parked, refusals }, 'channel_not_found', ago(99));

    const event = (eventId: string, receivedDaysAgo: number, extraMs = 0) => ({
      _id: objectIdAt(ago(receivedDaysAgo, extraMs)),
      workspaceId: SINGLE_WORKSPACE_ID,
      source: 'utilityapi',
      eventId,
      type: 'authorization_update_finished_errored',
      payload: { customer_email: 'customer@example.com' },
      receivedAt: ago(receivedDaysAgo, extraMs),
    });
    const events = [event('old', 31), event('just-inside', 30, 60_000), event('stuck', 200)];
    await collection('inbox').insertMany(events);
    // Still to do: poisoned long ago, waiting for a person.
    await collection('inbox_queue').insertOne({
      ...events[2],
      attempts: 8,
      nextAttemptAt: ago(199),
      poisonedAt: ago(199),
    });
    await collection('inbox_outcomes').insertMany([
      { _id: objectIdAt(ago(8)), outcome: 'applied', processedAt: ago(8) },
      { _id: objectIdAt(ago(7, 60_000)), outcome: 'applied', processedAt: ago(7, 60_000) },
    ]);

    const audit = (id: string, appliedDaysAgo: number | null, extraMs = 0) => ({
      _id: id,
      authorizationId,
      version: Number(id.split(':')[1]),
      actor: 'platform',
      action: 'state_changed',
      at: ago(appliedDaysAgo ?? 500, extraMs),
      next: {},
      appliedAt: appliedDaysAgo === null ? null : ago(appliedDaysAgo, extraMs),
    });
    await stores.models.AuditEvent.insertMany([
      audit(`${authorizationId}:1`, 401),
      audit(`${authorizationId}:2`, 400, 60_000),
      audit(`${authorizationId}:3`, null),
    ]);
    return { authorizationId, events };
  }

  it('removes what has aged out and nothing else', async () => {
    const { authorizationId, events } = await seed();
    const retention = createRetention({ ...stores, settings: DEFAULTS, log: silentLog() });

    const reports = await retention.prune(NOW);

    expect(Object.fromEntries(reports.map((r) => [r.collection, r.deleted]))).toEqual({
      inbox: 1,
      inbox_outcomes: 1,
      // The id recorded 8 days ago and the two recorded 100 days ago; their entries still to publish stay.
      outbox_keys: 3,
      audit_events: 1,
    });
    expect(reports.every((r) => r.complete)).toBe(true);
    expect(await idsIn('outbox')).toEqual(['never-published', 'parked']);
    expect(await idsIn('outbox_keys')).toEqual(['recorded-just-inside']);
    expect(await idsIn('inbox')).toEqual([String(events[1]?._id), String(events[2]?._id)].sort());
    expect(await idsIn('inbox_outcomes')).toEqual([String(objectIdAt(ago(7, 60_000)))]);
    expect(await idsIn('audit_events')).toEqual([`${authorizationId}:2`, `${authorizationId}:3`]);
    expect(await stores.outbox.countParked()).toBe(1);
    expect(await stores.inbox.poisonedCount()).toBe(1);

    // A second run the same day finds nothing more.
    const again = await retention.prune(NOW);
    expect(again.map((r) => r.deleted)).toEqual([0, 0, 0, 0]);
  });

  it('keeps everything of a kind whose setting is 0', async () => {
    const before = {
      outbox: (await idsIn('outbox')).length,
      keys: (await idsIn('outbox_keys')).length,
      audit: (await idsIn('audit_events')).length,
    };
    const forever = createRetention({
      ...stores,
      settings: { webhookPayloadDays: 0, inboxOutcomeDays: 0, publishedOutboxDays: 0, auditDays: 0 },
      log: silentLog(),
    });
    const reports = await forever.prune(new Date(NOW.getTime() + 10_000 * DAY));
    expect(reports.map((r) => r.deleted)).toEqual([0, 0, 0, 0]);
    expect((await idsIn('outbox')).length).toBe(before.outbox);
    expect((await idsIn('outbox_keys')).length).toBe(before.keys);
    expect((await idsIn('audit_events')).length).toBe(before.audit);
  });
});
