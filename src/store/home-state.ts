import { type Connection, type Model, Schema, type SchemaDefinition } from 'mongoose';
import { DEFAULT_HOME_TAB, type HomeTab, isHomeTab } from '../domain/worklist';
import { isDuplicateKey } from './duplicate-key';

/** Where a user left their App Home: shown again on the next `app_home_opened`. */
export interface HomeState {
  tab: HomeTab;
  /** 1-based; the worklist clamps it if the list has since shrunk. */
  page: number;
  search: string | null;
}

export const DEFAULT_HOME_STATE: HomeState = { tab: DEFAULT_HOME_TAB, page: 1, search: null };

interface HomeStateDocument {
  /** `<teamId>:<userId>`: one document per user, found by `_id` alone. */
  _id: string;
  tab: string;
  page: number;
  search: string | null;
  updatedAt: Date;
}

// Untyped definition, explicit interface: see models.ts on mongoose inference and tsc memory.
const definition = {
  _id: { type: String, required: true },
  tab: { type: String, required: true },
  page: { type: Number, required: true },
  search: { type: String, default: null },
  updatedAt: { type: Date, required: true },
} as SchemaDefinition;

const schema = new Schema(definition, { collection: 'home_states', versionKey: false });

const keyOf = (teamId: string, userId: string): string => `${teamId}:${userId}`;

/**
 * The rows a user ticked for a bulk ask, kept across paging (issue 13), and their latest bulk action.
 * One small document per user beside their Home state, read by `_id` alone.
 */
export interface BulkSelection {
  /** The list it was made in: ticking in another tab or search starts a new selection. */
  tab: HomeTab;
  search: string | null;
  /** "Select all N in this tab": everything the list shows when asked, except `ids`. */
  all: boolean;
  /** Ticked authorization ids (hex); with `all`, the ones unticked. */
  ids: string[];
  /** The user's latest bulk action, whose progress their Home shows. */
  lastBulkId: string | null;
}

export const EMPTY_SELECTION: BulkSelection = {
  tab: DEFAULT_HOME_TAB,
  search: null,
  all: false,
  ids: [],
  lastBulkId: null,
};

const selectionSchema = new Schema(
  {
    _id: { type: String, required: true },
    selection: { type: Schema.Types.Mixed, required: true },
    updatedAt: { type: Date, required: true },
  } as SchemaDefinition,
  { collection: 'home_selections', versionKey: false },
);

/** Replaces a document by `_id`, creating it the first time (two first writes: the loser replaces). */
async function replaceById<T extends { _id: string }>(model: Model<T>, doc: T): Promise<void> {
  try {
    await model.replaceOne({ _id: doc._id }, doc, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await model.replaceOne({ _id: doc._id }, doc);
  }
}

/**
 * Each user's Home tab, page and search. Last write wins: a user clicking faster than the writes land
 * loses nothing worth a lock, and FerretDB offers no atomic compare-and-set anyway.
 */
export function createHomeStateStore(connection: Connection) {
  const HomeStates = (connection.models.HomeState ??
    connection.model('HomeState', schema)) as unknown as Model<HomeStateDocument>;
  const Selections = (connection.models.HomeSelection ??
    connection.model('HomeSelection', selectionSchema)) as unknown as Model<{
    _id: string;
    selection: BulkSelection;
    updatedAt: Date;
  }>;

  return {
    init: async () => {
      await HomeStates.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err; // 48: NamespaceExists
      });
      await Selections.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err;
      });
    },

    async getSelection(teamId: string, userId: string): Promise<BulkSelection> {
      const doc = await Selections.findById(keyOf(teamId, userId)).lean();
      const s = doc?.selection;
      if (!s || !isHomeTab(s.tab) || !Array.isArray(s.ids)) return { ...EMPTY_SELECTION };
      return {
        tab: s.tab,
        search: s.search ?? null,
        all: s.all === true,
        ids: s.ids,
        lastBulkId: s.lastBulkId ?? null,
      };
    },

    setSelection: (teamId: string, userId: string, selection: BulkSelection, now: Date): Promise<void> =>
      replaceById(Selections, { _id: keyOf(teamId, userId), selection, updatedAt: now }),

    /** The user's last Home state, or the default for a first visit or a tab that no longer exists. */
    async get(teamId: string, userId: string): Promise<HomeState> {
      const doc = await HomeStates.findById(keyOf(teamId, userId)).lean();
      if (!doc || !isHomeTab(doc.tab)) return { ...DEFAULT_HOME_STATE };
      return {
        tab: doc.tab,
        page: Number.isInteger(doc.page) && doc.page >= 1 ? doc.page : 1,
        search: doc.search ?? null,
      };
    },

    /** Replaces the whole document by `_id` (an upsert; see test/store/home-state.test.ts on FerretDB). */
    async set(teamId: string, userId: string, state: HomeState, now: Date): Promise<void> {
      const _id = keyOf(teamId, userId);
      const doc = { _id, tab: state.tab, page: state.page, search: state.search, updatedAt: now };
      try {
        await HomeStates.replaceOne({ _id }, doc, { upsert: true });
      } catch (err) {
        // Two first-ever writes for one user both try the insert; the loser replaces the winner's.
        if (!isDuplicateKey(err)) throw err;
        await HomeStates.replaceOne({ _id }, doc);
      }
    },
  };
}

export type HomeStateStore = ReturnType<typeof createHomeStateStore>;
