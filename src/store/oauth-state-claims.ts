import { type Connection, type Model, Schema, type SchemaDefinition } from 'mongoose';
import { isDuplicateKey } from './duplicate-key';

interface StateClaimDocument {
  /** The state's nonce. */
  _id: string;
  claimedAt: Date;
}

const schema = new Schema(
  {
    _id: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  } as SchemaDefinition,
  { collection: 'oauth_state_claims', versionKey: false },
);
schema.index({ claimedAt: 1 });

/**
 * The OAuth `state` values already used to finish an install, so each finishes at most one. A claim is
 * a unique insert (FerretDB's only atomic primitive; README, "FerretDB differences"), and claims are
 * kept only as long as a state is valid: an older state is refused for its age anyway.
 */
export function createOAuthStateClaims(connection: Connection, options: { keepForMs: number }) {
  const Claims = (connection.models.OAuthStateClaim ??
    connection.model('OAuthStateClaim', schema)) as unknown as Model<StateClaimDocument>;

  return {
    init: async () => {
      await Claims.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err; // 48: NamespaceExists
      });
      await Claims.createIndexes();
    },

    /** True for the first claim of `nonce`, false for every later one (a replay). */
    async claim(nonce: string, now: Date): Promise<boolean> {
      // Installs are rare, so the expired claims are few: pruning them here keeps the collection tiny
      // without a TTL index (FerretDB has none).
      await Claims.deleteMany({ claimedAt: { $lt: new Date(now.getTime() - options.keepForMs) } });
      try {
        await Claims.create({ _id: nonce, claimedAt: now });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
  };
}

export type OAuthStateClaims = ReturnType<typeof createOAuthStateClaims>;
