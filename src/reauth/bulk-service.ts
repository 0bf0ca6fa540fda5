import { randomBytes } from 'node:crypto';
import type { SlackActor } from '../domain/actor';
import { type BulkCandidateFacts, bulkSkipReason } from '../domain/bulk-eligibility';
import type { HomeTab } from '../domain/worklist';
import type { BulkTarget } from '../store/bulk-actions';
import type { BulkSelection } from '../store/home-state';
import type { IndexedEntry } from '../worklist/worklist-index';
import { bulkDraftOf, customerNameOf } from './bulk-draft';
import { type BulkDeps, createBulkRun } from './bulk-run';
import { BULK_MAX_CUSTOMERS, type BulkPlan, type HomeBulk } from './bulk-types';

/** The list a Home shows, which a selection belongs to. */
export interface ShownList {
  tab: HomeTab;
  search: string | null;
}

/** One change to a user's selection, relative to the list their Home shows. */
export type SelectionChange =
  | { kind: 'tick'; authorizationId: string; on: boolean }
  | { kind: 'all' }
  | { kind: 'clear' };

const isOf = (selection: BulkSelection, list: ShownList) =>
  selection.tab === list.tab && selection.search === list.search;

/**
 * The bulk ask (issue 13): each user's selection in the Home, the confirmation's plan (who is asked,
 * who is skipped and why), and starting it once. Queuing and progress are in bulk-run.ts.
 */
export function createBulkService(deps: BulkDeps) {
  const run = createBulkRun(deps);

  /** The ids a selection stands for now, in list order for "select all". */
  async function resolve(workspaceId: string, selection: BulkSelection): Promise<string[]> {
    if (!selection.all) return selection.ids;
    const page = await deps.worklist.page(workspaceId, selection.tab, {
      now: deps.clock(),
      page: 1,
      pageSize: BULK_MAX_CUSTOMERS + selection.ids.length + 1,
      search: selection.search,
    });
    const unticked = new Set(selection.ids);
    return page.items.map((item) => item._id.toHexString()).filter((id) => !unticked.has(id));
  }

  async function factsOf(workspaceId: string, id: string, entry: IndexedEntry | undefined) {
    if (!entry)
      return {
        visible: false,
        state: 'active',
        email: null,
        latestRequest: null,
        lastSentAt: null,
        suppressed: false,
      } satisfies BulkCandidateFacts;
    const latest = entry.request;
    // Only a customer asked before can be inside the cooldown: most of a first bulk ask reads nothing.
    const lastSentAt =
      latest && !['queued', 'sent', 'delivered', 'opened', 'clicked'].includes(latest.status)
        ? ((await deps.requests.lastSentFor(id))?.sentAt ?? null)
        : null;
    const suppressed = entry.email ? ((await deps.isSuppressed?.(workspaceId, entry.email)) ?? false) : false;
    return {
      visible: true,
      state: entry.state,
      email: entry.email,
      latestRequest: latest,
      lastSentAt,
      suppressed,
    };
  }

  return {
    ...run,

    /** Applies a tick, "select all" or "clear" to the user's selection in the list shown. */
    async select(
      workspaceId: string,
      userId: string,
      list: ShownList,
      change: SelectionChange,
    ): Promise<void> {
      const held = await deps.homeState.getSelection(workspaceId, userId);
      const fresh: BulkSelection = { ...list, all: false, ids: [], lastBulkId: held.lastBulkId };
      const base = isOf(held, list) ? held : fresh;
      let next: BulkSelection;
      if (change.kind === 'clear') next = fresh;
      else if (change.kind === 'all') next = { ...fresh, all: true };
      else {
        // With "select all", `ids` are the unticked rows; otherwise the ticked ones.
        const add = base.all ? !change.on : change.on;
        const others = base.ids.filter((id) => id !== change.authorizationId);
        next = { ...base, ids: add ? [...others, change.authorizationId] : others };
      }
      await deps.homeState.setSelection(workspaceId, userId, next, deps.clock());
    },

    /** What the Home draws of the selection in the list shown, and the user's latest bulk ask. */
    async homeBulk(
      workspaceId: string,
      userId: string,
      shown: ShownList & { total: number; pageIds: readonly string[] },
    ): Promise<HomeBulk> {
      const held = await deps.homeState.getSelection(workspaceId, userId);
      const progress = held.lastBulkId ? await run.progress(workspaceId, held.lastBulkId) : null;
      const selection = isOf(held, shown) ? held : null;
      const ids = new Set(selection?.ids ?? []);
      const ticked = (id: string) => (selection?.all ? !ids.has(id) : ids.has(id));
      return {
        selectedCount: selection?.all ? Math.max(0, shown.total - ids.size) : ids.size,
        allSelected: selection?.all ?? false,
        selectedOnPage: new Set(shown.pageIds.filter(ticked)),
        progress,
      };
    },

    /**
     * The confirmation's plan for the user's selection, stored for Send to start. Reads memory (the
     * worklist) and, for customers asked before, their last sent request: fast enough before views.open.
     */
    async prepare(workspaceId: string, who: SlackActor): Promise<BulkPlan> {
      const now = deps.clock();
      const selection = await deps.homeState.getSelection(workspaceId, who.userId);
      const all = await resolve(workspaceId, selection);
      const ids = all.slice(0, BULK_MAX_CUSTOMERS);
      const entries = await deps.worklist.entries(workspaceId, ids);
      const cooldownHours = await deps.cooldownHours(workspaceId);
      const asked: BulkTarget[] = [];
      const skipped: BulkPlan['skipped'] = [];
      for (const id of ids) {
        const entry = entries.get(id);
        const reason = bulkSkipReason(await factsOf(workspaceId, id, entry), now, cooldownHours);
        const name = entry ? customerNameOf(entry) : 'Unknown customer';
        if (reason) skipped.push({ authorizationId: id, name, reason });
        else asked.push({ authorizationId: id, name });
      }
      const planId = randomBytes(12).toString('hex');
      await deps.actions.createPlan({
        _id: planId,
        workspaceId,
        requestedBy: who,
        createdAt: now,
        targets: asked,
        skipped,
        note: null,
      });
      const first = asked[0] ? entries.get(asked[0].authorizationId) : undefined;
      return {
        planId,
        asked,
        skipped,
        preview: first
          ? { draft: bulkDraftOf(first, null), problem: { state: first.state, reason: first.reason } }
          : null,
        cooldownHours,
        truncatedFrom: all.length > ids.length ? all.length : null,
      };
    },
  };
}

export type BulkService = ReturnType<typeof createBulkService>;
