import { type Connection, type Model, Schema, Types } from 'mongoose';
import { deleteExpired, objectIdAt } from './batched-delete';
import { isDuplicateKey } from './duplicate-key';
import { definition } from './models';

export interface IncomingEvent {
  /** The workspace whose account sent it; null for relink's own SendGrid events (they name their request). */
  workspaceId: string | null;
  source: string;
  eventId: string;
  type: string;
  payload: unknown;
}

/** An event waiting to be processed (or retried). */
export interface InboxEventDocument {
  _id: Types.ObjectId;
  /** Null on events stored before workspaces, which belong to the single workspace. */
  workspaceId: string | null;
  source: string;
  eventId: string;
  type: string;
  payload: unknown;
  receivedAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  /** Gave up after too many attempts; kept for a person to look at, never blocks others. */
  poisonedAt: Date | null;
}

interface ArchivedEvent extends IncomingEvent {
  _id: Types.ObjectId;
  receivedAt: Date;
}

interface Outcome {
  _id: Types.ObjectId;
  outcome: string;
  processedAt: Date;
}

/*
 * Three collections, because on FerretDB 1.24 an update costs ~6 ms per document while batched inserts
 * and deletes cost ~0.1 ms: `inbox` keeps every event once (unique on source + eventId, never
 * updated), `inbox_queue` holds what is still to do (deleted in batches when done), and
 * `inbox_outcomes` records what became of each event (inserted in batches).
 */
const eventFields = {
  workspaceId: { type: String, default: null },
  source: { type: String, required: true },
  eventId: { type: String, required: true },
  type: { type: String, required: true },
  payload: { type: Schema.Types.Mixed, required: true },
  receivedAt: { type: Date, required: true },
};

const archiveSchema = new Schema(definition(eventFields), { collection: 'inbox', versionKey: false });
// Per workspace: one platform account's event id says nothing about another's.
archiveSchema.index({ workspaceId: 1, source: 1, eventId: 1 }, { unique: true });

const queueSchema = new Schema(
  definition({
    ...eventFields,
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    lastError: { type: String, default: null },
    poisonedAt: { type: Date, default: null },
  }),
  { collection: 'inbox_queue', versionKey: false },
);
queueSchema.index({ poisonedAt: 1, nextAttemptAt: 1 });

const outcomeSchema = new Schema(
  definition({ outcome: { type: String, required: true }, processedAt: { type: Date, required: true } }),
  { collection: 'inbox_outcomes', versionKey: false },
);

/**
 * A delivery being stored: written before its events reach the archive, removed once they are queued.
 * A mark left behind is a store that was cut short (a crash, the database gone mid-request) and may
 * have left archived events unqueued. Reading these few marks is how orphans are found without
 * scanning the archive, which on FerretDB would read every event of the last 30 days.
 */
const storeMarkSchema = new Schema(definition({ ids: { type: [Schema.Types.ObjectId], required: true } }), {
  collection: 'inbox_store_marks',
  versionKey: false,
});

type StoreMark = { _id: Types.ObjectId; ids: Types.ObjectId[] };

/** A mark younger than this may belong to a store still in progress (here or in another process). */
const STORE_IN_PROGRESS_MS = 60_000;

/** Backoff for a failed event: 5 s, 10 s, 20 s … capped at 10 minutes. */
const retryDelayMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 600_000);

/**
 * Every inbound webhook event, stored once before processing, so a duplicate delivery is
 * acknowledged and ignored and a crash before processing loses nothing.
 */
export function createInbox(connection: Connection, options: { maxAttempts: number } = { maxAttempts: 8 }) {
  const model = <T>(name: string, schema: Schema) =>
    (connection.models[name] ?? connection.model(name, schema)) as unknown as Model<T>;
  const Archive = model<ArchivedEvent>('InboxEvent', archiveSchema);
  const Queue = model<InboxEventDocument>('InboxQueueEntry', queueSchema);
  const Outcomes = model<Outcome>('InboxOutcome', outcomeSchema);
  const Marks = model<StoreMark>('InboxStoreMark', storeMarkSchema);

  const enqueue = async (events: ArchivedEvent[]) => {
    if (events.length === 0) return;
    const entries = events.map((e) => ({ ...e, attempts: 0, nextAttemptAt: e.receivedAt }));
    await Queue.insertMany(entries, { ordered: false }).catch(
      (err: { writeErrors?: { code?: number }[] }) => {
        if (!(err.writeErrors ?? []).every((w) => isDuplicateKey(w))) throw err;
      },
    );
  };

  return {
    async init() {
      for (const m of [Archive, Queue, Outcomes, Marks] as unknown as Model<unknown>[]) {
        await m.createCollection().catch((err: { code?: number }) => {
          if (err.code !== 48) throw err;
        });
        await m.createIndexes();
      }
    },

    /** Stores what is new and queues it; returns how many were new and how many were already there. */
    async store(events: IncomingEvent[], now: Date): Promise<{ stored: number; duplicates: number }> {
      if (events.length === 0) return { stored: 0, duplicates: 0 };
      const docs: ArchivedEvent[] = events.map((e) => ({ ...e, _id: new Types.ObjectId(), receivedAt: now }));
      const [mark] = await Marks.insertMany([{ ids: docs.map((d) => d._id) }]);
      let duplicates = new Set<number>();
      try {
        await Archive.insertMany(docs, { ordered: false });
      } catch (err) {
        const writeErrors = (
          err as { writeErrors?: { index: number; code?: number; err?: { code?: number } }[] }
        ).writeErrors;
        if (!writeErrors?.every((w) => isDuplicateKey(w) || isDuplicateKey(w.err))) throw err;
        duplicates = new Set(writeErrors.map((w) => w.index));
      }
      // Cut short between the two inserts, the mark stays behind and requeueOrphans() finds the events.
      await enqueue(docs.filter((_, i) => !duplicates.has(i)));
      await Marks.deleteOne({ _id: mark?._id });
      return { stored: docs.length - duplicates.size, duplicates: duplicates.size };
    },

    /** Events due for (another) processing attempt, oldest first. */
    due: (now: Date, limit: number): Promise<InboxEventDocument[]> =>
      Queue.find({ poisonedAt: null, nextAttemptAt: { $lte: now } })
        .sort({ receivedAt: 1, _id: 1 })
        .limit(limit)
        .lean(),

    /** Records what became of processed events and takes them off the queue, in two batched writes. */
    async settle(ids: Types.ObjectId[], outcome: string, now: Date): Promise<void> {
      if (ids.length === 0) return;
      await Outcomes.insertMany(
        ids.map((_id) => ({ _id, outcome, processedAt: now })),
        { ordered: false },
      ).catch((err: { writeErrors?: { code?: number }[] }) => {
        if (!(err.writeErrors ?? []).every((w) => isDuplicateKey(w))) throw err;
      });
      await Queue.deleteMany({ _id: { $in: ids } });
    },

    /** Records a failure; after `maxAttempts` the event is poisoned and no longer retried. */
    async markFailed(event: InboxEventDocument, now: Date, error: string): Promise<'retry' | 'poisoned'> {
      const attempts = event.attempts + 1;
      const poisoned = attempts >= options.maxAttempts;
      await Queue.updateOne(
        { _id: event._id },
        {
          $set: {
            attempts,
            lastError: error.slice(0, 500),
            nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)),
            ...(poisoned ? { poisonedAt: now } : {}),
          },
        },
      );
      return poisoned ? 'poisoned' : 'retry';
    },

    /**
     * Queues archived events a cut-short store left unqueued (no queue entry, no outcome), found through
     * the marks such stores leave; cheap enough to run every few minutes. Returns how many were queued.
     */
    async requeueOrphans(options: { inProgressMs?: number } = {}): Promise<number> {
      // Real time, not a test clock: what matters is how long a store has really been running.
      const olderThan = objectIdAt(new Date(Date.now() - (options.inProgressMs ?? STORE_IN_PROGRESS_MS)));
      const marks = await Marks.find({ _id: { $lt: olderThan } }).lean();
      if (marks.length === 0) return 0;
      const ids = marks.flatMap((m) => m.ids);
      // Queue first, outcomes second: settle() writes the outcome before it deletes the queue entry.
      const known = new Set<string>();
      for (const m of [Queue, Outcomes] as unknown as Model<{ _id: Types.ObjectId }>[]) {
        for (const { _id } of await m.find({ _id: { $in: ids } }, { _id: 1 }).lean())
          known.add(_id.toHexString());
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
      const queued = (await Queue.find({}, { _id: 1 }).lean()).map((q) => q._id);
      const ageField = '_id';
      return deleteExpired(Archive, { ageField, before: objectIdAt(before), keepIds: queued, maxBatches });
    },

    /** Retention: outcomes of events received before `before` (an outcome shares its event's `_id`). */
    pruneOutcomes: (before: Date, maxBatches?: number) =>
      deleteExpired(Outcomes, { ageField: '_id', before: objectIdAt(before), maxBatches }),

    pendingCount: () => Queue.countDocuments({ poisonedAt: null }),
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
