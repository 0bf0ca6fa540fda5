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
 * Each user's Home tab, page and search. Last write wins: a user clicking faster than the writes land
 * loses nothing worth a lock, and FerretDB offers no atomic compare-and-set anyway.
 */
export function createHomeStateStore(connection: Connection) {
  const HomeStates = (connection.models.HomeState ??
    connection.model('HomeState', schema)) as unknown as Model<HomeStateDocument>;

  return {
    init: async () => {
      await HomeStates.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err; // 48: NamespaceExists
      });
    },

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
