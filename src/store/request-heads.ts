import { type Connection, type Model, Schema, type Types } from 'mongoose';
import { isDuplicateKey, upsertRacing } from './duplicate-key';
import { definition } from './models';
import { migrateOnce } from './store-migrations';

/**
 * Where an authorization's requests stand, by the authorization's id: its newest request and the last
 * one that was sent. On FerretDB only `_id` lookups use an index, so "the newest request of this
 * authorization" asked of the requests themselves reads every request ever made; asked here it is two
 * reads by `_id`, however long the history. Creating a request supersedes the one before, so the newest
 * is the only one that can still be open.
 */
export interface RequestHead {
  /** The authorization's id (hex). */
  _id: string;
  latestId: Types.ObjectId;
  latestAt: Date;
  /** The last request whose email went out (the cooldown's); null until one has. */
  lastSentId: Types.ObjectId | null;
}

const BUILD_CHUNK = 1_000;

const schema = new Schema(
  definition({
    _id: { type: String, required: true },
    latestId: { type: Schema.Types.ObjectId, default: null },
    latestAt: { type: Date, default: null },
    lastSentId: { type: Schema.Types.ObjectId, default: null },
  }),
  { collection: 'request_heads', versionKey: false },
);

const model = (connection: Connection): Model<RequestHead> =>
  (connection.models.RequestHead ?? connection.model('RequestHead', schema)) as unknown as Model<RequestHead>;

/** What building the heads reads of each request made before they existed. */
export interface RequestSummary {
  _id: Types.ObjectId;
  authorizationId: Types.ObjectId;
  createdAt: Date;
  sentAt: Date | null;
}

/** `everyRequest` reads each request once, for building the heads where none were kept yet. */
export function createRequestHeads(
  connection: Connection,
  everyRequest: () => AsyncIterable<RequestSummary>,
) {
  const Head = model(connection);

  /**
   * Counts the requests made before heads existed: one read of them all, then the heads in a few
   * inserts. Run once per database (store-migrations.ts); heads written since win over built ones.
   */
  async function build(): Promise<void> {
    const heads = new Map<string, { latest: RequestSummary; lastSent: RequestSummary | null }>();
    for await (const r of everyRequest()) {
      const key = r.authorizationId.toHexString();
      const head = heads.get(key) ?? { latest: r, lastSent: null };
      if (r.createdAt > head.latest.createdAt) head.latest = r;
      if (r.sentAt && (!head.lastSent?.sentAt || r.sentAt > head.lastSent.sentAt)) head.lastSent = r;
      heads.set(key, head);
    }
    const docs = [...heads].map(([authorizationId, h]) => ({
      _id: authorizationId,
      latestId: h.latest._id,
      latestAt: h.latest.createdAt,
      lastSentId: h.lastSent?._id ?? null,
    }));
    for (let at = 0; at < docs.length; at += BUILD_CHUNK) {
      await Head.insertMany(docs.slice(at, at + BUILD_CHUNK), { ordered: false }).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
    }
  }

  return {
    init: async () => {
      await Head.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err; // 48: NamespaceExists
      });
      await migrateOnce(connection, 'request_heads', build);
    },

    of: (authorizationId: string): Promise<RequestHead | null> =>
      Head.findById(authorizationId).lean<RequestHead>().exec(),

    /** A request was created: it is the authorization's newest now. */
    async created(authorizationId: string, requestId: Types.ObjectId, at: Date): Promise<void> {
      await upsertRacing(() =>
        Head.updateOne(
          { _id: authorizationId },
          { $set: { latestId: requestId, latestAt: at } },
          { upsert: true },
        ),
      );
    },

    /** A request's email went out: the cooldown counts from it. */
    async sent(authorizationId: string, requestId: Types.ObjectId, createdAt: Date): Promise<void> {
      await upsertRacing(() =>
        Head.updateOne(
          { _id: authorizationId },
          { $set: { lastSentId: requestId }, $setOnInsert: { latestId: requestId, latestAt: createdAt } },
          { upsert: true },
        ),
      );
    },
  };
}

export type RequestHeads = ReturnType<typeof createRequestHeads>;
