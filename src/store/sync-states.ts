import type { Connection, Model } from 'mongoose';
import { Schema, type SchemaDefinition } from 'mongoose';

/** A first sync in progress: how many of the account's authorizations are imported so far. */
export interface ImportProgress {
  done: number;
  total: number;
  startedAt: Date;
  /** The last progress written; a run silent for long has died (see {@link IMPORT_SILENT_MS}). */
  updatedAt: Date;
}

/**
 * What relink knows about reconciling one workspace's platform account. `_id` is
 * `<workspaceId>:<source>`, so every read is a bare `_id` lookup; one document per connected account.
 */
export interface SyncStateDocument {
  _id: string;
  workspaceId: string;
  /** When a reconcile of the account first completed; null until then (the next one is a first sync). */
  completedAt: Date | null;
  /** The first sync running now, if any. */
  importing: ImportProgress | null;
  /**
   * The times the latest first sync applied its pages at (one per page of up to 1,000): every
   * revision it wrote carries one of them, which tells its incidents from a webhook's at the same time.
   */
  firstSyncPages?: Date[];
}

/** A first sync that wrote no progress for this long died with its process: it no longer counts as running. */
export const IMPORT_SILENT_MS = 5 * 60_000;

const definition = (fields: Record<string, unknown>) => fields as SchemaDefinition;

const syncStateSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    completedAt: { type: Date, default: null },
    importing: { type: Schema.Types.Mixed, default: null },
    firstSyncPages: { type: [Date], default: [] },
  }),
  { collection: 'sync_states', versionKey: false },
);

const idOf = (workspaceId: string) => `${workspaceId}:utilityapi`;

/** Per workspace: whether its UtilityAPI account was ever reconciled, and a first sync's progress. */
export function createSyncStateStore(connection: Connection) {
  const SyncState = (connection.models.SyncState ??
    connection.model('SyncState', syncStateSchema)) as unknown as Model<SyncStateDocument>;

  const get = (workspaceId: string): Promise<SyncStateDocument | null> =>
    SyncState.findById(idOf(workspaceId)).lean();

  const set = (workspaceId: string, fields: Partial<SyncStateDocument>): Promise<void> =>
    SyncState.updateOne(
      { _id: idOf(workspaceId) },
      { $set: { workspaceId, ...fields } },
      { upsert: true },
    ).then(() => undefined);

  return {
    get,

    /** Whether no reconcile of the workspace's account has completed yet. */
    isFirstSync: async (workspaceId: string) => !(await get(workspaceId))?.completedAt,

    /** The first sync running now, if any (a silent one died and is not shown). */
    async importProgress(workspaceId: string, now: Date): Promise<ImportProgress | null> {
      const progress = (await get(workspaceId))?.importing ?? null;
      if (!progress) return null;
      const updatedAt = new Date(progress.updatedAt);
      if (now.getTime() - updatedAt.getTime() > IMPORT_SILENT_MS) return null;
      return { ...progress, startedAt: new Date(progress.startedAt), updatedAt };
    },

    importing: (workspaceId: string, progress: ImportProgress) => set(workspaceId, { importing: progress }),

    /** A first sync starts over: no page is its own yet. */
    firstSyncStarted: (workspaceId: string) => set(workspaceId, { firstSyncPages: [] }),

    /** Recorded before the page's revisions are written, so whoever reads them can tell whose they are. */
    firstSyncPage: (workspaceId: string, at: Date) =>
      SyncState.updateOne(
        { _id: idOf(workspaceId) },
        { $set: { workspaceId }, $addToSet: { firstSyncPages: at } },
        { upsert: true },
      ).then(() => undefined),

    /**
     * Whether something that happened at `at` was the first sync's work: the account's existing
     * problems, shown as one summary however long the outbox takes to reach them.
     */
    async isFirstSyncWork(workspaceId: string, at: Date): Promise<boolean> {
      const pages = (await get(workspaceId))?.firstSyncPages ?? [];
      return pages.some((page) => new Date(page).getTime() === at.getTime());
    },

    completed: (workspaceId: string, at: Date) => set(workspaceId, { completedAt: at, importing: null }),
  };
}

export type SyncStateStore = ReturnType<typeof createSyncStateStore>;
