import { type Connection, type Model, Schema, Types } from 'mongoose';
import { isDuplicateKey } from './duplicate-key';
import { definition } from './models';
import type { ReauthRequestDocument } from './request-document';
import { migrateOnce } from './store-migrations';

/**
 * One entry per reauth request whose status is `queued`: the sender's whole worklist (issue 11). On
 * FerretDB only `_id` filters use an index, so asking the growing requests collection "what is due"
 * read every request ever made on every pass; this collection is drained as requests leave `queued`
 * (requests.ts keeps it in step), so filtering it stays cheap, and each request is then read by `_id`.
 * The request is the truth: an entry that disagrees with its request is corrected or dropped on read.
 */
export interface SendQueueEntry {
  /** The request's id (hex). */
  _id: string;
  nextAttemptAt: Date;
  sendingSince: Date | null;
  /**
   * New on every write from the request store. A reader's correction applies only to the entry it read
   * (never to one a writer has just replaced), and its id's time tells a fresh entry from a stale one.
   */
  stamp: Types.ObjectId;
}

/** Where a queued request's sending stands: what its entry copies. */
export type SendTiming = Pick<SendQueueEntry, 'nextAttemptAt' | 'sendingSince'>;

/** What the start's repair reads of each queued request. */
type QueuedRequest = Pick<ReauthRequestDocument, '_id' | 'status' | 'nextAttemptAt' | 'sendingSince'>;

/**
 * An entry whose request is not queued is dropped only once it is this old. A Retry writes its entry
 * just before the request's status: read in between, the entry looks stale but is not.
 */
const STALE_AFTER_MS = 60_000;

const schema = new Schema(
  definition({
    _id: { type: String, required: true },
    nextAttemptAt: { type: Date, required: true },
    sendingSince: { type: Date, default: null },
    stamp: { type: Schema.Types.ObjectId, required: true },
  }),
  { collection: 'send_queue', versionKey: false },
);

const model = (connection: Connection): Model<SendQueueEntry> =>
  (connection.models.SendQueueEntry ??
    connection.model('SendQueueEntry', schema)) as unknown as Model<SendQueueEntry>;

const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
const timingOf = (r: SendTiming): SendTiming => ({
  nextAttemptAt: r.nextAttemptAt,
  sendingSince: r.sendingSince ?? null,
});

/** The queue of the requests in `Request`, whose store keeps it in step (requests.ts). */
export function createSendQueue(connection: Connection, Request: Model<ReauthRequestDocument>) {
  const Entry = model(connection);
  const requestOf = (id: string) =>
    Types.ObjectId.isValid(id)
      ? Request.findById(id).lean<ReauthRequestDocument>().exec()
      : Promise.resolve(null);
  const hex = (id: Types.ObjectId | string) => (typeof id === 'string' ? id : id.toHexString());

  const put = (id: string, timing: SendTiming) =>
    Entry.replaceOne({ _id: id }, { _id: id, ...timing, stamp: new Types.ObjectId() }, { upsert: true });
  /**
   * Adds the entry of a request that is queued already; one that is there stays as it is. An insert,
   * not an upsert: FerretDB drops a `null` from an upsert's `$setOnInsert`.
   */
  const ensure = async (request: QueuedRequest): Promise<void> => {
    const entry = { _id: request._id.toHexString(), ...timingOf(request), stamp: new Types.ObjectId() };
    await Entry.collection.insertOne(entry as never).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
  };
  const isStale = (entry: SendQueueEntry) =>
    !entry.stamp || Date.now() - entry.stamp.getTimestamp().getTime() >= STALE_AFTER_MS;

  /** Makes the entry agree with its request (read after the entry), unless a writer replaced it since. */
  async function reconcile(entry: SendQueueEntry, request: QueuedRequest | null): Promise<void> {
    const unchanged = { _id: entry._id, stamp: entry.stamp ?? null };
    if (request?.status !== 'queued') {
      if (isStale(entry)) await Entry.deleteOne(unchanged);
      return;
    }
    if (
      !sameTime(entry.nextAttemptAt, request.nextAttemptAt) ||
      !sameTime(entry.sendingSince, request.sendingSince)
    )
      await Entry.updateOne(unchanged, { $set: timingOf(request) });
  }

  /** The queued requests of these entries that pass `keep`, in the entries' order. */
  async function requestsOf(
    entries: SendQueueEntry[],
    keep: (request: ReauthRequestDocument) => boolean,
  ): Promise<ReauthRequestDocument[]> {
    const requests = await Promise.all(entries.map((e) => requestOf(e._id)));
    const kept: ReauthRequestDocument[] = [];
    for (const [i, entry] of entries.entries()) {
      const request = requests[i] ?? null;
      await reconcile(entry, request);
      if (request?.status === 'queued' && keep(request)) kept.push(request);
    }
    return kept;
  }

  /**
   * Makes the queue agree with the requests, once per database (store-migrations.ts): for a database
   * from before the queue existed. A crash between two writes needs no repair, as every write puts the
   * entry first and takes it away last: at worst an entry is left whose request is not due, which
   * readers drop. This reads every queued request with a status filter, a full read of the requests on
   * FerretDB, so it is not run at every start. Entries are read first, so one added meanwhile is kept.
   */
  async function repair(): Promise<void> {
    const entries = new Map((await Entry.find({}).lean<SendQueueEntry[]>()).map((e) => [e._id, e]));
    const queued = new Set<string>();
    const queuedRequests = Request.find(
      { status: 'queued' },
      { status: 1, nextAttemptAt: 1, sendingSince: 1 },
    )
      .lean<QueuedRequest[]>()
      .cursor();
    for await (const request of queuedRequests) {
      const id = request._id.toHexString();
      queued.add(id);
      const entry = entries.get(id);
      await (entry ? reconcile(entry, request) : ensure(request));
    }
    for (const entry of entries.values()) if (!queued.has(entry._id)) await reconcile(entry, null);
  }

  return {
    init: async () => {
      await Entry.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err; // 48: NamespaceExists
      });
      await migrateOnce(connection, 'send_queue', repair);
    },

    /** A request is about to be created queued, or a repeat of its creation found it still queued. */
    ensure,

    /** The request whose entry went first was not created after all (its key was taken). */
    drop: async (requestId: Types.ObjectId): Promise<void> => {
      await Entry.deleteOne({ _id: requestId.toHexString() });
    },

    /**
     * Writes a request's new status (`write`) and its entry around it. Into `queued`: the entry first,
     * so a crash in between leaves an entry whose request is not due (dropped later), never a queued
     * request without one. Out of it: the entry goes after the status, and only the entry read before
     * it (a Retry's newer entry stays).
     */
    async statusChange(
      requestId: Types.ObjectId,
      status: string,
      extra: Partial<SendTiming>,
      now: Date,
      write: () => PromiseLike<unknown>,
    ): Promise<void> {
      const id = requestId.toHexString();
      if (status === 'queued') {
        // A Retry, a Send again: due now unless `extra` says otherwise.
        await put(id, {
          nextAttemptAt: extra.nextAttemptAt ?? now,
          sendingSince: extra.sendingSince ?? null,
        });
        await write();
        return;
      }
      const entry = await Entry.findById(id).lean<SendQueueEntry>();
      await write();
      if (entry) await Entry.deleteOne({ _id: id, stamp: entry.stamp });
    },

    /** Copies a queued request's new timing onto its entry; a request not queued has none to update. */
    async mirror(id: Types.ObjectId | string, timing: Partial<SendTiming>): Promise<void> {
      const fields = Object.fromEntries(
        Object.entries(timing).filter(
          ([key, value]) => (key === 'nextAttemptAt' || key === 'sendingSince') && value !== undefined,
        ),
      );
      if (Object.keys(fields).length === 0) return;
      await Entry.updateOne({ _id: hex(id) }, { $set: { ...fields, stamp: new Types.ObjectId() } });
    },

    /** Queued requests due for a send attempt and not in flight, soonest first, as their requests say. */
    async due(now: Date, limit: number): Promise<ReauthRequestDocument[]> {
      const entries = await Entry.find({ nextAttemptAt: { $lte: now }, sendingSince: null })
        .sort({ nextAttemptAt: 1 })
        .limit(limit)
        .lean<SendQueueEntry[]>();
      return requestsOf(
        entries,
        (r) => (r.sendingSince ?? null) === null && r.nextAttemptAt.getTime() <= now.getTime(),
      );
    },

    /** Queued requests with an attempt in flight, longest in flight first, as their requests say. */
    async inFlight(limit: number): Promise<ReauthRequestDocument[]> {
      const entries = await Entry.find({ sendingSince: { $ne: null } })
        .sort({ sendingSince: 1 })
        .limit(limit)
        .lean<SendQueueEntry[]>();
      return requestsOf(entries, (r) => (r.sendingSince ?? null) !== null);
    },

    get: (id: string) => Entry.findById(id).lean<SendQueueEntry>().exec(),
    count: () => Entry.estimatedDocumentCount(),
  };
}

export type SendQueue = ReturnType<typeof createSendQueue>;
