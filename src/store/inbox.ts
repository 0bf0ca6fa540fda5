import { type Connection, type Model, type Schema, Types } from 'mongoose';
import { deleteExpired, objectIdAt } from './batched-delete';
import { deleteByIds } from './by-ids';
import { isDuplicateKey } from './duplicate-key';
import {
  type ArchivedEvent,
  archiveSchema,
  type Delivery,
  deliverySchema,
  eventKey,
  type InboxEventDocument,
  type IncomingEvent,
  type Outcome,
  outcomeSchema,
  queueSchema,
  retryDelayMs,
  type StoreMark,
  storeMarkSchema,
} from './inbox-collections';
import type { StoreListeners } from './listeners';
import { createRecentKeys } from './recent-keys';

export type { InboxEventDocument, IncomingEvent } from './inbox-collections';

/** A mark younger than this may belong to a store still in progress (here or in another process). */
const STORE_IN_PROGRESS_MS = 60_000;

/**
 * Every inbound webhook event, stored once before processing, so a duplicate delivery is
 * acknowledged and ignored and a crash before processing loses nothing. What it stored is announced.
 */
export function createInbox(connection: Connection, options: { maxAttempts?: number } & StoreListeners = {}) {
  const maxAttempts = options.maxAttempts ?? 8;
  const model = <T>(name: string, schema: Schema) =>
    (connection.models[name] ?? connection.model(name, schema)) as unknown as Model<T>;
  const Archive = model<ArchivedEvent>('InboxEvent', archiveSchema);
  const Queue = model<InboxEventDocument>('InboxQueueEntry', queueSchema);
  const Deliveries = model<Delivery>('InboxDelivery', deliverySchema);
  const Outcomes = model<Outcome>('InboxOutcome', outcomeSchema);
  const Marks = model<StoreMark>('InboxStoreMark', storeMarkSchema);

  const recent = createRecentKeys();
  const ignoreDuplicates = (err: { writeErrors?: { code?: number }[]; code?: number }) => {
    if (err.writeErrors ? !err.writeErrors.every((w) => isDuplicateKey(w)) : !isDuplicateKey(err)) throw err;
  };

  const enqueue = async (events: ArchivedEvent[]) => {
    if (events.length === 0) return;
    await Deliveries.insertMany([{ events, count: events.length }]);
  };

  /** Every event id still to do: in a delivery or in the retry queue (a scan of both; not for hot paths). */
  const queuedIds = async (): Promise<Types.ObjectId[]> => [
    ...(await Queue.find({}, { _id: 1 }).lean()).map((q) => q._id),
    ...(await Deliveries.find({}, { 'events._id': 1 }).lean<Pick<Delivery, 'events'>[]>()).flatMap((d) =>
      d.events.map((e) => e._id),
    ),
  ];

  /** Up to about `limit` events of the oldest deliveries, read in insertion order without a filter. */
  /** How many deliveries the last batch took: where the next read starts. */
  let deliveriesPerBatch = 4;

  /**
   * Up to about `limit` events of the oldest deliveries. Read with a bare limit (insertion order), the
   * only read FerretDB stops early; too few deliveries read, it reads four times as many again.
   */
  async function fromDeliveries(limit: number): Promise<InboxEventDocument[]> {
    for (let k = deliveriesPerBatch; ; k *= 4) {
      const deliveries = await Deliveries.find({}).limit(k).lean<Delivery[]>();
      const events: InboxEventDocument[] = [];
      let taken = 0;
      for (const delivery of deliveries) {
        if (events.length >= limit) break;
        taken++;
        for (const e of delivery.events) {
          const entry = { ...e, attempts: 0, nextAttemptAt: e.receivedAt, lastError: null, poisonedAt: null };
          events.push({ ...entry, deliveryId: delivery._id });
        }
      }
      if (events.length >= limit || deliveries.length < k) {
        deliveriesPerBatch = Math.max(1, taken);
        return events;
      }
    }
  }

  return {
    async init() {
      for (const m of [Archive, Queue, Deliveries, Outcomes, Marks] as unknown as Model<unknown>[]) {
        await m.createCollection().catch((err: { code?: number }) => {
          if (err.code !== 48) throw err;
        });
        await m.createIndexes();
      }
    },

    /** Stores what is new and queues it; returns how many were new and how many were already there. */
    async store(events: IncomingEvent[], now: Date): Promise<{ stored: number; duplicates: number }> {
      // Repeats this process stored lately (or within this delivery) are known without a write: an
      // insert with a duplicate in it costs FerretDB one transaction per document instead of one.
      const fresh: ArchivedEvent[] = [];
      const inThisDelivery = new Set<string>();
      for (const e of events) {
        const key = eventKey(e);
        if (recent.has(key) || inThisDelivery.has(key)) continue;
        inThisDelivery.add(key);
        fresh.push({ ...e, _id: new Types.ObjectId(), receivedAt: now });
      }
      const known = events.length - fresh.length;
      if (fresh.length === 0) return { stored: 0, duplicates: known };
      // Queued before it is archived: a store cut short leaves nothing unqueued (at worst an event is
      // processed although its delivery was refused, which changes nothing the platform's retry would not).
      const delivery = { _id: new Types.ObjectId(), events: fresh, count: fresh.length };
      // Lean inserts (here and below): these documents are built whole right here, and casting and
      // validating thousands of them per second through mongoose documents costs more than the write.
      await Deliveries.insertMany([delivery], { lean: true });
      let duplicates = new Set<number>();
      try {
        await Archive.insertMany(fresh, { ordered: false, lean: true });
      } catch (err) {
        const writeErrors = (
          err as { writeErrors?: { index: number; code?: number; err?: { code?: number } }[] }
        ).writeErrors;
        if (!writeErrors?.every((w) => isDuplicateKey(w) || isDuplicateKey(w.err))) throw err;
        duplicates = new Set(writeErrors.map((w) => w.index));
      }
      for (const e of fresh) recent.add(eventKey(e));
      // A delivery seen before in full is not processed again. One partly seen before is processed
      // whole: its old events change nothing, and rewriting the delivery would cost more than they do.
      if (duplicates.size === fresh.length) await Deliveries.deleteOne({ _id: delivery._id });
      const stored = fresh.length - duplicates.size;
      if (stored > 0) options.eventsStored?.(stored);
      return { stored, duplicates: known + duplicates.size };
    },

    /**
     * Events due for (another) processing attempt: retries first (a small collection), then the oldest
     * deliveries, whole, until about `limit` events. Done deliveries go with {@link finish}.
     */
    async due(now: Date, limit: number): Promise<InboxEventDocument[]> {
      const retries = await Queue.find({ poisonedAt: null, nextAttemptAt: { $lte: now } })
        .sort({ receivedAt: 1, _id: 1 })
        .limit(limit)
        .lean();
      if (retries.length >= limit) return retries;
      return [...retries, ...(await fromDeliveries(limit - retries.length))];
    },

    /** Records what became of processed events and takes retried ones off the queue. */
    async settle(ids: Types.ObjectId[], outcome: string, now: Date): Promise<void> {
      if (ids.length === 0) return;
      await Outcomes.insertMany(
        ids.map((_id) => ({ _id, outcome, processedAt: now })),
        { ordered: false, lean: true },
      ).catch(ignoreDuplicates);
      await Queue.deleteMany({ _id: { $in: ids } });
    },

    /**
     * Deletes the deliveries `events` came from, once each of their events is settled or waits in the
     * retry queue; each by `_id` (by-ids.ts), so the cost does not grow with the backlog.
     */
    async finish(events: InboxEventDocument[]): Promise<void> {
      const ids = new Map(
        events.flatMap((e) => (e.deliveryId ? [[e.deliveryId.toHexString(), e.deliveryId]] : [])),
      );
      await deleteByIds(Deliveries, [...ids.values()]);
    },

    /** Records a failure; after `maxAttempts` the event is poisoned and no longer retried. */
    async markFailed(event: InboxEventDocument, now: Date, error: string): Promise<'retry' | 'poisoned'> {
      const attempts = event.attempts + 1;
      const poisoned = attempts >= maxAttempts;
      const fields = {
        attempts,
        lastError: error.slice(0, 500),
        nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)),
        ...(poisoned ? { poisonedAt: now } : {}),
      };
      if (event.deliveryId) {
        // First failure: the event moves from its delivery to the retry queue (before finish deletes it).
        const { deliveryId: _, ...entry } = event;
        const inserted = await Queue.insertMany([{ ...entry, ...fields }]).then(
          () => true,
          (err) => {
            ignoreDuplicates(err);
            return false;
          },
        );
        if (inserted) return poisoned ? 'poisoned' : 'retry';
      }
      await Queue.updateOne({ _id: event._id }, { $set: fields });
      return poisoned ? 'poisoned' : 'retry';
    },

    /**
     * Queues archived events a cut-short store left unqueued (no queue entry, no outcome), found through
     * the marks such stores leave (stores now queue before they archive and leave none; marks come from
     * earlier versions or tests); cheap enough to run every few minutes. Returns how many were queued.
     */
    async requeueOrphans(options: { inProgressMs?: number } = {}): Promise<number> {
      // Real time, not a test clock: what matters is how long a store has really been running.
      const olderThan = objectIdAt(new Date(Date.now() - (options.inProgressMs ?? STORE_IN_PROGRESS_MS)));
      const marks = await Marks.find({ _id: { $lt: olderThan } }).lean();
      if (marks.length === 0) return 0;
      const ids = marks.flatMap((m) => m.ids);
      // Queued first, outcomes second: an event is settled before its delivery is deleted.
      const known = new Set((await queuedIds()).map((id) => id.toHexString()));
      for (const _id of ids) {
        if (await Outcomes.exists({ _id })) known.add(_id.toHexString());
      }
      const orphans = (await Archive.find({ _id: { $in: ids } }).lean()).filter(
        (a) => !known.has(a._id.toHexString()),
      );
      await enqueue(orphans);
      await Marks.deleteMany({ _id: { $in: marks.map((m) => m._id) } });
      return orphans.length;
    },

    /** Retention: archived events (raw payloads) received before `before`, except those still queued. */
    async pruneArchive(before: Date, maxBatches?: number) {
      const keepIds = await queuedIds();
      return deleteExpired(Archive, { ageField: '_id', before: objectIdAt(before), keepIds, maxBatches });
    },

    /** Retention: outcomes of events received before `before` (an outcome shares its event's `_id`). */
    pruneOutcomes: (before: Date, maxBatches?: number) =>
      deleteExpired(Outcomes, { ageField: '_id', before: objectIdAt(before), maxBatches }),

    async pendingCount(): Promise<number> {
      const deliveries = await Deliveries.find({}, { count: 1 }).lean();
      const retries = await Queue.countDocuments({ poisonedAt: null });
      return retries + deliveries.reduce((sum, d) => sum + d.count, 0);
    },
    poisonedCount: () => Queue.countDocuments({ poisonedAt: { $ne: null } }),
    storedCount: (filter: { source?: string } = {}) => Archive.countDocuments(filter),

    /** What became of one event: its outcome, 'pending', or null if it was never stored. */
    async outcomeOf(source: string, eventId: string): Promise<string | null> {
      const archived = await Archive.findOne({ source, eventId }, { _id: 1 }).lean();
      if (!archived) return null;
      const done = await Outcomes.findById(archived._id).lean();
      return done?.outcome ?? 'pending';
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
