import { Types } from 'mongoose';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createInbox, type Inbox, type InboxEventDocument } from '../../src/store/inbox';
import { useTestDatabase } from '../support/database';

const DAY = 86_400_000;
/** An id made `s` seconds ago, unique (two made in the same second must not collide on a slow machine). */
const secondsAgo = (s: number) => {
  const seconds = (Math.floor(Date.now() / 1000) - s).toString(16).padStart(8, '0');
  return new Types.ObjectId(`${seconds}${new Types.ObjectId().toHexString().slice(8)}`);
};
const event = (eventId: string) => ({
  workspaceId: SINGLE_WORKSPACE_ID,
  source: 'webhook',
  eventId,
  type: 't',
  payload: { email: 'customer@example.com' },
});

describe('the inbox: orphans and retention', () => {
  const db = useTestDatabase('inbox_orphans');
  let inbox: Inbox;
  const archive = () => db.connection.collection('inbox');
  const marks = () => db.connection.collection('inbox_store_marks');
  const outcomes = () => db.connection.collection('inbox_outcomes');
  const queue = () => db.connection.collection('inbox_queue');
  const deliveries = () => db.connection.collection('inbox_deliveries');

  beforeAll(async () => {
    inbox = createInbox(db.connection);
    await inbox.init();
  });
  beforeEach(async () => {
    for (const c of [archive(), marks(), outcomes(), queue(), deliveries()]) await c.deleteMany({});
  });

  /** What a store cut short between the archive and the queue leaves: the event, and its mark. */
  const cutShort = async (eventId: string, markAgeSeconds: number) => {
    const _id = secondsAgo(markAgeSeconds);
    await archive().insertOne({ _id, ...event(eventId), receivedAt: new Date() });
    await marks().insertOne({ _id: secondsAgo(markAgeSeconds), ids: [_id] });
    return _id;
  };
  const queuedIds = async () =>
    (await inbox.due(new Date(Date.now() + DAY), 100)).map((e) => e.eventId).sort();

  it('leaves no mark behind when a store completes, so there is nothing to look at', async () => {
    expect(await inbox.store([event('whole-1'), event('whole-2')], new Date())).toEqual({
      stored: 2,
      duplicates: 0,
    });
    expect(await marks().countDocuments()).toBe(0);
    expect(await inbox.requeueOrphans({ inProgressMs: 0 })).toBe(0);
    expect(await queuedIds()).toEqual(['whole-1', 'whole-2']);
  });

  it('queues the events of a store cut short, once, and forgets the mark', async () => {
    await cutShort('orphan-1', 120);
    expect(await inbox.requeueOrphans()).toBe(1);
    expect(await queuedIds()).toEqual(['orphan-1']);
    expect(await marks().countDocuments()).toBe(0);
    expect(await inbox.requeueOrphans()).toBe(0);
    expect(await queuedIds()).toEqual(['orphan-1']);
  });

  it('leaves a store that may still be running to finish by itself', async () => {
    await cutShort('in-flight', 5);
    expect(await inbox.requeueOrphans()).toBe(0);
    expect(await marks().countDocuments()).toBe(1);
    expect(await queuedIds()).toEqual([]);
  });

  it('does not queue again an event that was processed after all, nor one that never reached the archive', async () => {
    const processed = await cutShort('processed', 120);
    await inbox.settle([processed], 'applied', new Date());
    await marks().insertOne({ _id: secondsAgo(121), ids: [new Types.ObjectId()] });
    expect(await inbox.requeueOrphans()).toBe(0);
    expect(await queuedIds()).toEqual([]);
    expect(await marks().countDocuments()).toBe(0);
  });

  it('moves a failed event from its delivery to the retry queue, and drops the delivery once done', async () => {
    const now = new Date();
    await inbox.store([event('fails'), event('succeeds')], now);
    const due = await inbox.due(now, 100);
    expect(due.map((e) => e.eventId)).toEqual(['fails', 'succeeds']);
    const [failing, succeeding] = due as [InboxEventDocument, InboxEventDocument];

    expect(await inbox.markFailed(failing, now, 'utilityapi_unavailable: 503')).toBe('retry');
    await inbox.settle([succeeding._id], 'applied', now);
    await inbox.finish(due);

    expect(await deliveries().countDocuments()).toBe(0);
    expect(await inbox.pendingCount()).toBe(1);
    expect(await inbox.due(now, 100)).toEqual([]); // backing off
    const retry = await inbox.due(new Date(now.getTime() + 5_000), 100);
    expect(retry.map((e) => [e.eventId, e.attempts, e.deliveryId])).toEqual([['fails', 1, undefined]]);

    await inbox.settle([failing._id], 'applied', now);
    expect(await inbox.pendingCount()).toBe(0);
    expect(await inbox.outcomeOf('webhook', 'fails')).toBe('applied');
  });

  it('reads whole deliveries, oldest first, until a batch is full', async () => {
    const now = new Date();
    for (const n of [1, 2, 3]) await inbox.store([event(`d${n}-a`), event(`d${n}-b`)], now);
    expect((await inbox.due(now, 3)).map((e) => e.eventId)).toEqual(['d1-a', 'd1-b', 'd2-a', 'd2-b']);
    expect(await inbox.pendingCount()).toBe(6);
  });

  it('prunes archived payloads and outcomes by age, keeping events still queued whatever their age', async () => {
    const now = Date.now();
    const at = (ageMs: number) => Types.ObjectId.createFromTime(Math.floor((now - ageMs) / 1000));
    const old = [at(31 * DAY), at(40 * DAY)];
    const inside = at(29 * DAY);
    const oldButQueued = at(90 * DAY);
    await archive().insertMany(
      [...old, inside, oldButQueued].map((_id, i) => ({ _id, ...event(`e-${i}`), receivedAt: new Date() })),
    );
    await queue().insertOne({
      _id: oldButQueued,
      ...event('e-3'),
      receivedAt: new Date(),
      attempts: 8,
      nextAttemptAt: new Date(),
      poisonedAt: new Date(),
    });
    await outcomes().insertMany(
      [at(8 * DAY), at(6 * DAY)].map((_id) => ({ _id, outcome: 'applied', processedAt: new Date() })),
    );

    expect(await inbox.pruneArchive(new Date(now - 30 * DAY))).toMatchObject({ deleted: 2, complete: true });
    expect(await inbox.pruneOutcomes(new Date(now - 7 * DAY))).toMatchObject({ deleted: 1, complete: true });

    const left = (await archive().find({}).toArray()).map((d) => d._id.toHexString()).sort();
    expect(left).toEqual([inside, oldButQueued].map((id) => id.toHexString()).sort());
    expect((await outcomes().find({}).toArray()).map((d) => d._id.toHexString())).toEqual([
      at(6 * DAY).toHexString(),
    ]);
    expect(await inbox.pendingCount()).toBe(0);
    expect(await inbox.poisonedCount()).toBe(1);
  });
});
