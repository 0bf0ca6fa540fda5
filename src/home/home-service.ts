import type { Suppression } from '../domain/suppression';
import { type HomeTab, normalizeSearch, type WorklistItem, type WorklistRequest } from '../domain/worklist';
import type { BulkService } from '../reauth/bulk-service';
import type { HomeBulk } from '../reauth/bulk-types';
import type { ReminderSchedule } from '../reauth/reminder-data';
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
  /** A first sync of the workspace's platform account running now, for its progress line; null when none. */
  importProgress?: (workspaceId: string) => Promise<{ done: number; total: number } | null>;
  /** The bulk ask's selection and progress (issue 13); without it the Home has no checkboxes. */
  bulk?: Pick<BulkService, 'homeBulk'>;
  /** Reminder schedules of the rows shown (src/reauth/reminders.ts); none when absent. */
  reminders?: (
    workspaceId: string,
    authorizationIds: readonly string[],
  ) => Promise<Map<string, ReminderSchedule>>;
  /** Rows whose customer marked relink's email as spam or unsubscribed, keyed by authorization id. */
  suppressions?: (
    workspaceId: string,
    customers: readonly { key: string; email: string | null }[],
  ) => Promise<Map<string, Suppression>>;
  /** The URL of each row's notice (or digest) message, keyed by authorization id (store/notices.ts). */
  noticeLinks?: (authorizationIds: readonly string[]) => Promise<Map<string, string>>;
  /** Each row's link to the platform's dashboard (src/home/dashboard-links.ts); none when absent. */
  dashboardLinks?: (authorizationIds: readonly string[]) => Promise<Map<string, string>>;
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
  /** "Importing: 4,000 of 10,000" while relink's first sync of the platform account runs. */
  importing?: { done: number; total: number } | null;
  /** What the user ticked in the list shown, and their latest bulk ask's progress. */
  bulk?: HomeBulk;
  /** The next reminder of each row's request, keyed by authorization id; absent means none is due. */
  reminders?: ReadonlyMap<string, ReminderSchedule>;
  /** The customer asked not to be emailed (spam report, unsubscribe), keyed by authorization id. */
  suppressions?: ReadonlyMap<string, Suppression>;
  /** Each row's notice message URL, keyed by authorization id; no link where absent. */
  noticeLinks?: ReadonlyMap<string, string>;
  /** Each row's link to the authorization in the platform's dashboard; no link where absent. */
  dashboardLinks?: ReadonlyMap<string, string>;
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
      const counts = await deps.worklist.counts(workspaceId, now, userId);
      const page = await deps.worklist.page(workspaceId, wanted.tab, {
        now,
        page: wanted.page,
        search: wanted.search,
        viewer: userId,
      });
      const lastRequests = deps.worklist.lastRequestsFor(workspaceId, page.items);
      const state: HomeState = { ...wanted, page: page.page };
      // A plain opening changes nothing worth a write unless the remembered page no longer exists.
      if (change || state.page !== from.page) await deps.homeState.set(workspaceId, userId, state, now);
      // A line on the Home, never a reason for the Home to fail.
      const importing = deps.importProgress ? await deps.importProgress(workspaceId).catch(() => null) : null;
      const pageIds = page.items.map((item) => item._id.toHexString());
      const shown = { tab: state.tab, search: state.search, total: page.total, pageIds };
      const bulk = await deps.bulk?.homeBulk(workspaceId, userId, shown);
      const reminders = await deps.reminders?.(workspaceId, pageIds);
      const customers = page.items.map((item) => ({
        key: item._id.toHexString(),
        email: item.customer.email,
      }));
      const suppressions = await deps.suppressions?.(workspaceId, customers);
      // A link on a row, never a reason for the Home to fail.
      const noticeLinks = await deps.noticeLinks?.(pageIds).catch(() => undefined);
      const dashboardLinks = await deps.dashboardLinks?.(pageIds).catch(() => undefined);
      const data = {
        tab: state.tab,
        counts,
        page,
        search: state.search,
        lastRequests,
        now,
        importing,
        bulk,
        reminders,
        noticeLinks,
        dashboardLinks,
      };
      return { data: { ...data, suppressions, viewerIsAdmin: await viewerIsAdmin }, state };
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
