import { type Connection, type Model, Schema } from 'mongoose';
import { upsertRacing } from './duplicate-key';
import { definition } from './models';
import { migrateOnce } from './store-migrations';

/**
 * Each authorization's open incident notice, by the authorization's id. The publisher asks for it
 * for every effect it publishes; asked of the notices themselves, that reads every notice ever posted
 * on FerretDB (only `_id` lookups use an index). Here it is two reads by `_id`. The pointer is written
 * before the notice's claim, so a crash between the two leaves a pointer to nothing (no notice open:
 * the next effect claims one), never a notice nobody finds (which would be posted twice).
 */
interface OpenNoticeDocument {
  /** The authorization's id (hex). */
  _id: string;
  noticeId: string;
  openedAt: Date;
}

/** Pointers per bulk write: FerretDB stops answering bulks of about 100. */
const BULK_CHUNK = 50;

const schema = new Schema(
  definition({
    _id: { type: String, required: true },
    noticeId: { type: String, required: true },
    openedAt: { type: Date, required: true },
  }),
  { collection: 'open_notices', versionKey: false },
);

const model = (connection: Connection): Model<OpenNoticeDocument> =>
  (connection.models.OpenNotice ??
    connection.model('OpenNotice', schema)) as unknown as Model<OpenNoticeDocument>;

/** What building the pointers reads of each open incident notice posted before they existed. */
export interface OpenIncident {
  _id: string;
  authorizationId: { toHexString(): string };
  openedAt: Date;
}

export function createOpenNotices(connection: Connection, openIncidents: () => AsyncIterable<OpenIncident>) {
  const Pointer = model(connection);

  const pointAll = async (pointers: { authorizationId: string; noticeId: string; at: Date }[]) => {
    for (let at = 0; at < pointers.length; at += BULK_CHUNK) {
      const write = () =>
        Pointer.bulkWrite(
          pointers.slice(at, at + BULK_CHUNK).map((p) => ({
            updateOne: {
              filter: { _id: p.authorizationId },
              update: { $set: { noticeId: p.noticeId, openedAt: p.at } },
              upsert: true,
            },
          })),
          { ordered: false },
        );
      await upsertRacing(write);
    }
  };

  /** The newest open incident notice of each authorization, from notices posted before pointers were kept. */
  async function build(): Promise<void> {
    const newest = new Map<string, OpenIncident>();
    for await (const notice of openIncidents()) {
      const key = notice.authorizationId.toHexString();
      const seen = newest.get(key);
      if (!seen || notice.openedAt >= seen.openedAt) newest.set(key, notice);
    }
    await pointAll([...newest].map(([id, n]) => ({ authorizationId: id, noticeId: n._id, at: n.openedAt })));
  }

  return {
    init: async () => {
      await Pointer.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err; // 48: NamespaceExists
      });
      await migrateOnce(connection, 'open_notices', build);
    },

    /** The authorization's latest incident notice id (the caller checks it is still open). */
    noticeIdOf: async (authorizationId: string): Promise<string | null> =>
      (await Pointer.findById(authorizationId).lean())?.noticeId ?? null,

    /** `noticeId` is the authorization's incident notice from now on (written before its claim). */
    point: (authorizationId: string, noticeId: string, at: Date) =>
      pointAll([{ authorizationId, noticeId, at }]),

    pointAll,
  };
}

export type OpenNotices = ReturnType<typeof createOpenNotices>;
