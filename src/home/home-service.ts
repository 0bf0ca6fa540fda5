import { type HomeTab, normalizeSearch, type WorklistItem, type WorklistRequest } from '../domain/worklist';
import type { HomeState, HomeStateStore } from '../store/home-state';
import type { Worklist } from '../worklist/worklist';

export interface HomeServiceDeps {
  worklist: Worklist;
  homeState: HomeStateStore;
  clock: () => Date;
  /**
   * Whether the viewer may change the workspace's Settings (admins and the installer), for the
   * Settings button; false when absent. Never throws: unsure is false.
   */
  viewerIsAdmin?: (workspaceId: string, userId: string) => Promise<boolean>;
}

/** What a click on the Home asks for. Tab and search start again at page 1. */
export interface HomeChange {
  /**
   * What the Home on screen shows (its `private_metadata`), which the click is relative to; the
   * remembered state when absent (first opening, or metadata relink cannot read).
   */
  shown?: HomeState | null;
  tab?: HomeTab;
  page?: number;
  /** `null` or blank clears the search. */
  search?: string | null;
}

/** What one user's Home shows: everything `blocks/home-view.ts` draws it from. */
export interface HomeData {
  tab: HomeTab;
  counts: Record<HomeTab, number>;
  page: { items: readonly WorklistItem[]; total: number; page: number; pages: number; pageSize: number };
  search: string | null;
  /** Latest request per authorization, keyed by hex id; absent means none was ever sent. */
  lastRequests: ReadonlyMap<string, WorklistRequest>;
  now: Date;
  /** Shows the Settings button (the Settings listeners check again when it is used). */
  viewerIsAdmin?: boolean;
}

export interface PreparedHome {
  data: HomeData;
  /** What `data` shows, as remembered for the user's next opening (page clamped to the list). */
  state: HomeState;
}

/** Each user's App Home: the worklist tab, page and search they chose, remembered between openings. */
export function createHomeService(deps: HomeServiceDeps) {
  return {
    /** What to publish as one user's Home, after applying `change`; the state shown is saved. */
    async prepare(workspaceId: string, userId: string, change?: HomeChange): Promise<PreparedHome> {
      const now = deps.clock();
      // Asked alongside the worklist reads; Slack's answer is usually the access guard's cached one.
      const viewerIsAdmin = Promise.resolve(deps.viewerIsAdmin?.(workspaceId, userId) ?? false).catch(
        () => false,
      );
      const from = change?.shown ?? (await deps.homeState.get(workspaceId, userId));
      const wanted = applyChange(from, change);
      const counts = await deps.worklist.counts(workspaceId, now);
      const page = await deps.worklist.page(workspaceId, wanted.tab, {
        now,
        page: wanted.page,
        search: wanted.search,
      });
      const lastRequests = deps.worklist.lastRequestsFor(workspaceId, page.items);
      const state: HomeState = { ...wanted, page: page.page };
      // A plain opening changes nothing worth a write unless the remembered page no longer exists.
      if (change || state.page !== from.page) await deps.homeState.set(workspaceId, userId, state, now);
      const data = { tab: state.tab, counts, page, search: state.search, lastRequests, now };
      return { data: { ...data, viewerIsAdmin: await viewerIsAdmin }, state };
    },
  };
}

export type HomeService = ReturnType<typeof createHomeService>;

function applyChange(from: HomeState, change: HomeChange | undefined): HomeState {
  if (!change) return from;
  const search = change.search !== undefined ? normalizeSearch(change.search) : from.search;
  const tab = change.tab ?? from.tab;
  const restart = tab !== from.tab || search !== from.search;
  return { tab, search, page: change.page ?? (restart ? 1 : from.page) };
}
