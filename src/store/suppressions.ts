import { createHash } from 'node:crypto';
import { type Connection, type Model, Schema } from 'mongoose';
import { normalizeEmail, type Suppression, type SuppressionReason } from '../domain/suppression';
import { isDuplicateKey } from './duplicate-key';
import type { StoreListeners, SuppressionRecorded } from './listeners';
import { definition } from './models';

/**
 * Addresses a workspace's customers asked not to be emailed (src/domain/suppression.ts). Keyed by
 * `_id` = `<workspaceId>:<sha256 of the normalized address>`: every read is by `_id` (the one filter
 * FerretDB indexes), nothing scans, and the collection holds no customer address in clear.
 */
interface SuppressionDocument {
  _id: string;
  workspaceId: string;
  reason: SuppressionReason;
  /** When SendGrid reported it. */
  at: Date;
  /** The request whose email the customer reported: where to look for the rest. */
  requestId: string;
  createdAt: Date;
}

const schema = new Schema(
  definition({
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    reason: { type: String, enum: ['spamreport', 'unsubscribe'], required: true },
    at: { type: Date, required: true },
    requestId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  }),
  { collection: 'email_suppressions', versionKey: false },
);

const model = (connection: Connection): Model<SuppressionDocument> =>
  (connection.models.EmailSuppression ??
    connection.model('EmailSuppression', schema)) as unknown as Model<SuppressionDocument>;

/** The record's id: one per workspace and address, however the address was capitalized. */
export const suppressionId = (workspaceId: string, email: string): string =>
  `${workspaceId}:${createHash('sha256').update(normalizeEmail(email)).digest('hex')}`;

export function createSuppressionStore(connection: Connection, listeners: StoreListeners = {}) {
  const Suppressions = model(connection);

  /** The workspace's suppression of `email`, if any: one read by `_id`. */
  async function find(workspaceId: string, email: string): Promise<Suppression | null> {
    const doc = await Suppressions.findById(suppressionId(workspaceId, email)).lean();
    return doc ? { reason: doc.reason, at: doc.at } : null;
  }

  return {
    init: async () => {
      await Suppressions.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err;
      });
    },

    /**
     * Records that `email` must not be emailed automatically; the first report stands (SendGrid repeats
     * itself, and a spam report and an unsubscribe mean the same to relink). Returns false when it was
     * already recorded.
     */
    async record(input: {
      workspaceId: string;
      email: string;
      reason: SuppressionReason;
      at: Date;
      requestId: string;
      now: Date;
    }): Promise<boolean> {
      try {
        await Suppressions.create({
          _id: suppressionId(input.workspaceId, input.email),
          workspaceId: input.workspaceId,
          reason: input.reason,
          at: input.at,
          requestId: input.requestId,
          createdAt: input.now,
        });
        listeners.suppressionRecorded?.({
          id: suppressionId(input.workspaceId, input.email),
          reason: input.reason,
          at: input.at,
        });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    find,

    /**
     * Every suppression of every workspace, in one read of the collection: what the copy kept in memory
     * (src/worklist/suppression-memory.ts) loads. One small document per complaint, so it stays cheap.
     */
    async everyRecorded(): Promise<SuppressionRecorded[]> {
      const docs = await Suppressions.find({}, { reason: 1, at: 1 }).lean();
      return docs.map((doc) => ({ id: doc._id, reason: doc.reason, at: doc.at }));
    },

    /**
     * The suppressions among a page of customers (the Home's rows), keyed by the caller's `key`. One
     * read by `_id` each: a page is at most 20 rows, and `_id: { $in }` is not indexed on FerretDB.
     */
    async among(
      workspaceId: string,
      customers: readonly { key: string; email: string | null }[],
    ): Promise<Map<string, Suppression>> {
      const found = new Map<string, Suppression>();
      for (const { key, email } of customers) {
        const suppression = email ? await find(workspaceId, email) : null;
        if (suppression) found.set(key, suppression);
      }
      return found;
    },
  };
}

export type SuppressionStore = ReturnType<typeof createSuppressionStore>;
