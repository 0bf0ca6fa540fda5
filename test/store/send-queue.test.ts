import type { CommandStartedEvent } from 'mongodb';
import { Types } from 'mongoose';
import type { RequestEffect } from '../../src/domain/reauth-request';
import { connect } from '../../src/store/database';
import type { RequestStore } from '../../src/store/requests';
import { testDatabaseUri, useTestDatabase } from '../support/database';
import { newRequest, requestStoreWithOutbox } from '../support/requests';

const t0 = new Date('2026-11-29T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
/** A stamp written this long ago: older than the queue's 60 s grace for entries that look stale. */
const oldStamp = () => Types.ObjectId.createFromTime(Math.floor(Date.now() / 1000) - 600);

describe('the send queue (the sender reads it, never the growing requests)', () => {
  const db = useTestDatabase('send-queue');
  let requests: RequestStore;
  let n = 0;

  beforeAll(async () => {
    ({ requests } = await requestStoreWithOutbox(db.connection));
  });

  const create = async (at = t0) =>
    (await requests.create(newRequest(new Types.ObjectId().toHexString(), `sq-${++n}`), at)).request;
  const sentEffect = (requestId: string): RequestEffect => ({
    type: 'request.sent',
    requestId,
    sentTo: 'jane@example.com',
    at: t0,
  });
  const idsOf = (list: readonly { _id: Types.ObjectId }[]) => list.map((r) => r._id.toHexString());
  const dueIds = async (now: Date) => idsOf(await requests.dueForSending(now, 1_000));
  const inFlightIds = async () => idsOf(await requests.inFlight(1_000));
  const entries = () => db.connection.collection<{ _id: string }>('send_queue');

  it('a created request is due; once sent it leaves the queue', async () => {
    const request = await create();
    const id = request._id.toHexString();
    expect(await dueIds(t0)).toContain(id);
    await requests.advance(request, 'sent', sentEffect(id), later(1_000), { sentAt: later(1_000) });
    expect(await dueIds(later(2_000))).not.toContain(id);
    expect(await entries().findOne({ _id: id })).toBeNull();
  });

  it('a Retry (advance to queued) makes a failed request due again', async () => {
    const request = await create();
    const id = request._id.toHexString();
    await requests.advance(request, 'failed', null, later(1_000), { sendingSince: null });
    expect(await entries().findOne({ _id: id })).toBeNull();
    expect(await dueIds(later(2_000))).not.toContain(id);

    await requests.advance(request, 'queued', null, later(3_000), {
      nextAttemptAt: later(3_000),
      sendingSince: null,
    });
    expect(await dueIds(later(2_999))).not.toContain(id);
    expect(await dueIds(later(3_000))).toContain(id);
  });

  it('a later next attempt (set) is not due until then', async () => {
    const request = await create();
    const id = request._id.toHexString();
    await requests.set(request._id, { nextAttemptAt: later(60_000), lastError: null });
    expect(await dueIds(later(59_999))).not.toContain(id);
    expect(await dueIds(later(60_000))).toContain(id);
    expect(
      (await requests.dueForSending(later(60_000), 1_000)).find((r) => r._id.equals(request._id)),
    ).toMatchObject({ status: 'queued', nextAttemptAt: later(60_000), sendingSince: null });
  });

  it('a request being sent is in flight, not due; released, it is due again', async () => {
    const request = await create();
    const id = request._id.toHexString();
    await requests.set(id, { sendingSince: later(1_000), attempts: 1 });
    expect(await dueIds(later(5_000))).not.toContain(id);
    expect(await inFlightIds()).toContain(id);
    await requests.set(id, { sendingSince: null, nextAttemptAt: later(6_000) });
    expect(await inFlightIds()).not.toContain(id);
    expect(await dueIds(later(6_000))).toContain(id);
  });

  it('returns what the request says when its entry disagrees, and corrects the entry', async () => {
    const request = await create();
    const id = request._id.toHexString();
    // As after a crash between the request's write and its entry's: the request is in flight.
    await db.connection
      .collection('reauth_requests')
      .updateOne({ _id: request._id }, { $set: { sendingSince: later(1_000) } });
    expect(await dueIds(later(2_000))).not.toContain(id);
    expect(await entries().findOne({ _id: id })).toMatchObject({ sendingSince: later(1_000) });
    expect(await inFlightIds()).toContain(id);
  });

  it('never returns a stale entry (its request not queued), and drops it once it is old', async () => {
    const request = await create();
    const id = request._id.toHexString();
    await requests.advance(request, 'sent', sentEffect(id), later(1_000), { sentAt: later(1_000) });
    // A crash between the status and the entry's removal: the entry stays behind.
    await entries().insertOne({ _id: id, nextAttemptAt: t0, sendingSince: null, stamp: oldStamp() } as never);
    expect(await dueIds(later(2_000))).not.toContain(id);
    expect(await entries().findOne({ _id: id })).toBeNull();
  });

  it('keeps a just-written entry whose request is not queued yet (a Retry between its writes)', async () => {
    const request = await create();
    const id = request._id.toHexString();
    await requests.advance(request, 'failed', null, later(1_000));
    // The Retry's entry is written, its status not yet: the request still says failed.
    await entries().insertOne({
      _id: id,
      nextAttemptAt: later(2_000),
      sendingSince: null,
      stamp: new Types.ObjectId(),
    } as never);
    expect(await dueIds(later(3_000))).not.toContain(id);
    expect(await entries().findOne({ _id: id })).not.toBeNull();
    await db.connection
      .collection('reauth_requests')
      .updateOne({ _id: request._id }, { $set: { status: 'queued', nextAttemptAt: later(2_000) } });
    expect(await dueIds(later(3_000))).toContain(id);
  });

  it('leaves no entry when a create finds its key taken (the entry went first)', async () => {
    const authorizationId = new Types.ObjectId().toHexString();
    const key = `taken-${++n}`;
    const { request } = await requests.create(newRequest(authorizationId, key), t0);
    const before = await entries().countDocuments({});
    const again = await requests.create(newRequest(authorizationId, key), t0);
    expect(again).toMatchObject({ created: false });
    expect(again.request._id.toHexString()).toBe(request._id.toHexString());
    expect(await entries().countDocuments({})).toBe(before);
  });

  it('a repeated create of a queued request keeps its entry as it stands', async () => {
    const authorizationId = new Types.ObjectId().toHexString();
    const key = `sq-${++n}`;
    const { request } = await requests.create(newRequest(authorizationId, key), t0);
    const id = request._id.toHexString();
    await requests.set(id, { sendingSince: later(1_000) });
    const again = await requests.create(newRequest(authorizationId, key), later(2_000));
    expect(again.created).toBe(false);
    expect(await entries().findOne({ _id: id })).toMatchObject({ sendingSince: later(1_000) });
    // A repeat after a crash that left the request without its entry adds it.
    await entries().deleteOne({ _id: id });
    await requests.create(newRequest(authorizationId, key), later(3_000));
    expect(await entries().findOne({ _id: id })).toMatchObject({
      nextAttemptAt: t0,
      sendingSince: later(1_000),
    });
  });

  it('builds the queue once from a database from before it: adds missing entries, drops stale ones', async () => {
    const authorizationId = new Types.ObjectId();
    const base = { ...newRequest(authorizationId.toHexString(), 'x'), authorizationId, createdAt: t0 };
    const queuedId = new Types.ObjectId();
    const sentId = new Types.ObjectId();
    // As on a database from before the queue: a queued request inserted without the store.
    await db.connection.collection('reauth_requests').insertMany([
      {
        ...base,
        _id: queuedId,
        idempotencyKey: `raw-${++n}`,
        status: 'queued',
        nextAttemptAt: later(5_000),
        sendingSince: null,
      },
      {
        ...base,
        _id: sentId,
        idempotencyKey: `raw-${++n}`,
        status: 'sent',
        nextAttemptAt: t0,
        sendingSince: null,
      },
    ]);
    await entries().insertOne({
      _id: sentId.toHexString(),
      nextAttemptAt: t0,
      sendingSince: null,
      stamp: oldStamp(),
    } as never);
    expect(await dueIds(later(5_000))).not.toContain(queuedId.toHexString());

    // Built once per database: a start after that does not read every queued request again.
    const { requests: again } = await requestStoreWithOutbox(db.connection);
    expect(await entries().findOne({ _id: queuedId.toHexString() })).toBeNull();
    expect(idsOf(await again.dueForSending(later(5_000), 1_000))).not.toContain(queuedId.toHexString());
    // As on a database from before the queue: its migration never ran.
    await db.connection.collection('store_migrations').deleteOne({ _id: 'send_queue' as never });
    const { requests: restarted } = await requestStoreWithOutbox(db.connection);
    expect(await entries().findOne({ _id: queuedId.toHexString() })).toMatchObject({
      nextAttemptAt: later(5_000),
      sendingSince: null,
    });
    expect(await entries().findOne({ _id: sentId.toHexString() })).toBeNull();
    expect(idsOf(await restarted.dueForSending(later(5_000), 1_000))).toContain(queuedId.toHexString());
    expect(idsOf(await restarted.dueForSending(later(4_999), 1_000))).not.toContain(queuedId.toHexString());
  });

  it('reads the requests only by id: filters go to the small queue', async () => {
    const monitored = await connect(`${testDatabaseUri()}?monitorCommands=true`, db.connection.name);
    try {
      const { requests: store } = await requestStoreWithOutbox(monitored);
      const due = await store.create(newRequest(new Types.ObjectId().toHexString(), `sq-${++n}`), t0);
      const sending = await store.create(newRequest(new Types.ObjectId().toHexString(), `sq-${++n}`), t0);
      await store.set(sending.request._id, { sendingSince: later(1_000) });
      const reads: { collection: string; filter: Record<string, unknown> }[] = [];
      monitored.getClient().on('commandStarted', (event: CommandStartedEvent) => {
        const collection = String(event.command[event.commandName]);
        reads.push({ collection: `${event.commandName} ${collection}`, filter: event.command.filter ?? {} });
      });
      expect(idsOf(await store.dueForSending(later(2_000), 1_000))).toContain(due.request._id.toHexString());
      expect(idsOf(await store.inFlight(1_000))).toContain(sending.request._id.toHexString());
      const ofRequests = reads.filter((r) => r.collection.endsWith(' reauth_requests'));
      expect(ofRequests.length).toBeGreaterThanOrEqual(2);
      for (const read of ofRequests) {
        expect(read.collection).toBe('find reauth_requests');
        expect(Object.keys(read.filter)).toEqual(['_id']);
      }
      expect(reads.some((r) => r.collection === 'find send_queue')).toBe(true);
    } finally {
      await monitored.close();
    }
  });
});
