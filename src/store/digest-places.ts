import { type Connection, type Model, Schema, type SchemaDefinition } from 'mongoose';
import { isDuplicateKey } from './duplicate-key';

/**
 * Where an authorization's open incident is counted: `_id` is the authorization's id, so resolving it
 * finds its digest by `_id` instead of scanning `notices`. Removed when the incident resolves, so this
 * collection holds only open incidents counted in digests.
 */
export interface DigestPlace {
  _id: string;
  digestId: string;
  /** The member's incident notice (`notices`), resolved with it. */
  noticeId: string;
}

const definition = (fields: Record<string, unknown>) => fields as SchemaDefinition;

const placeSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    digestId: { type: String, required: true },
    noticeId: { type: String, required: true },
  }),
  { collection: 'digest_places', versionKey: false },
);

/** The places of incidents counted in digests (store/digests.ts), each found by its authorization's id. */
export function createDigestPlaces(connection: Connection) {
  const Place = (connection.models.DigestPlace ??
    connection.model('DigestPlace', placeSchema)) as unknown as Model<DigestPlace>;

  return {
    async ensureIndexes(): Promise<void> {
      await (Place as unknown as { createCollection(): Promise<unknown> })
        .createCollection()
        .catch((err: { code?: number }) => {
          if (err.code !== 48) throw err; // 48: NamespaceExists
        });
    },

    /** Records where each joined authorization's incident is counted (a place already there stays). */
    async place(places: { authorizationId: string; digestId: string; noticeId: string }[]): Promise<void> {
      if (places.length === 0) return;
      const docs = places.map((p) => ({
        _id: p.authorizationId,
        digestId: p.digestId,
        noticeId: p.noticeId,
      }));
      await Place.insertMany(docs, { ordered: false }).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
    },

    /** Where the authorization's open incident is counted, if in a digest. */
    placeOf: (authorizationId: string): Promise<DigestPlace | null> => Place.findById(authorizationId).lean(),

    /** The incident resolved: its next incident may join a digest again. */
    unplace: (authorizationId: string) => Place.deleteOne({ _id: authorizationId }).then(() => undefined),
  };
}
