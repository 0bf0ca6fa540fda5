import { type Connection, type Model, Schema, type SchemaDefinition } from 'mongoose';
import type { SlackActor } from '../domain/actor';
import type { BulkSkipReason } from '../domain/bulk-eligibility';
import { isDuplicateKey } from './duplicate-key';

/** One selected customer as the confirmation showed them. */
export interface BulkTarget {
  authorizationId: string;
  name: string;
}

/** What became of one target when Send queued it. */
export interface BulkResult {
  authorizationId: string;
  /** The request queued (or found, on a repeat); null when skipped or refused. */
  requestId: string | null;
  /** Why it was not queued after all (the send step said no); null when queued. */
  skipped: BulkSkipReason | null;
  /** An unexpected failure's code, shown as a failure. */
  failed: string | null;
}

/**
 * A bulk ask (issue 13): drawn as a plan when the confirmation opens, started once by Send. Read and
 * written by `_id` alone, the one filter FerretDB indexes; `_id` is random, so a plan cannot be guessed.
 */
export interface BulkActionDocument {
  _id: string;
  workspaceId: string;
  requestedBy: SlackActor;
  createdAt: Date;
  /** Who the confirmation said would be asked, in order. */
  targets: BulkTarget[];
  /** Who it said would be skipped, and why. */
  skipped: (BulkTarget & { reason: BulkSkipReason })[];
  note: string | null;
  startedAt: Date | null;
  /** Filled as Send queues the targets; `queuedAt` once every target has its result. */
  results: BulkResult[];
  queuedAt: Date | null;
  summaryPostedAt: Date | null;
}

const schema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    requestedBy: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    targets: { type: Schema.Types.Mixed, default: [] },
    skipped: { type: Schema.Types.Mixed, default: [] },
    note: { type: String, default: null },
    startedAt: { type: Date, default: null },
    results: { type: Schema.Types.Mixed, default: [] },
    queuedAt: { type: Date, default: null },
    summaryPostedAt: { type: Date, default: null },
  } as SchemaDefinition,
  { collection: 'bulk_actions', versionKey: false },
);

// A start is claimed by inserting its id here: FerretDB's only exactly-once step is a unique insert.
const startSchema = new Schema(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  {
    collection: 'bulk_action_starts',
    versionKey: false,
  },
);

export function createBulkActionStore(connection: Connection) {
  const Actions = (connection.models.BulkAction ??
    connection.model('BulkAction', schema)) as unknown as Model<BulkActionDocument>;
  const Starts = (connection.models.BulkActionStart ??
    connection.model('BulkActionStart', startSchema)) as unknown as Model<{ _id: string; at: Date }>;

  return {
    init: async () => {
      const exists = (err: { code?: number }) => {
        if (err.code !== 48) throw err; // 48: NamespaceExists
      };
      await Actions.createCollection().catch(exists);
      await Starts.createCollection().catch(exists);
    },

    async createPlan(
      plan: Omit<BulkActionDocument, 'startedAt' | 'results' | 'queuedAt' | 'summaryPostedAt'>,
    ) {
      await Actions.create({ ...plan, startedAt: null, results: [], queuedAt: null, summaryPostedAt: null });
    },

    find: (id: string) => Actions.findById(id).lean<BulkActionDocument>(),

    /** True for the one caller that starts this plan; a double submit or a retry gets false. */
    async claimStart(id: string, now: Date): Promise<boolean> {
      try {
        await Starts.create({ _id: id, at: now });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    /**
     * Plans Send started whose queuing never finished (the process stopped mid-way). A scan, but of a
     * small collection (one document per confirmation opened), and only at startup, never on a hot path.
     */
    unfinished: () => Actions.find({ startedAt: { $ne: null }, queuedAt: null }).lean<BulkActionDocument[]>(),

    /** Plans started since `since` whose summary is not posted yet: a scan of the same small collection, at startup. */
    unsummarized: (since: Date) =>
      Actions.find({ startedAt: { $gte: since }, summaryPostedAt: null }).lean<BulkActionDocument[]>(),

    set: async (id: string, fields: Partial<Omit<BulkActionDocument, '_id'>>): Promise<void> => {
      await Actions.updateOne({ _id: id }, { $set: fields });
    },
  };
}

export type BulkActionStore = ReturnType<typeof createBulkActionStore>;
