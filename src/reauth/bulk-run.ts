import type { SlackActor } from '../domain/actor';
import {
  type BulkSkipReason,
  bulkSkipReason,
  bulkSkipReasonOfError,
  isFailedStatus,
  isSentStatus,
} from '../domain/bulk-eligibility';
import { asRelinkError, RelinkError } from '../domain/errors';
import type { Logger } from '../logger';
import type { BulkActionDocument, BulkActionStore, BulkResult, BulkTarget } from '../store/bulk-actions';
import type { HomeStateStore } from '../store/home-state';
import type { RequestStore } from '../store/requests';
import type { Worklist } from '../worklist/worklist';
import { bulkDraftOf } from './bulk-draft';
import type { BulkProgress } from './bulk-types';
import type { ReauthService } from './reauth-service';

/** What the bulk ask needs: this file's run, and the selection and plan of bulk-service.ts. */
export interface BulkDeps {
  worklist: Pick<Worklist, 'entries' | 'page'>;
  homeState: Pick<HomeStateStore, 'getSelection' | 'setSelection'>;
  actions: BulkActionStore;
  reauth: Pick<ReauthService, 'requestSend'>;
  requests: Pick<RequestStore, 'lastSentFor' | 'findById'>;
  cooldownHours: (workspaceId: string) => Promise<number>;
  /**
   * Whether an address refuses email (bounce, spam report, unsubscribe). Absent until the suppression
   * store is wired in (issue 12): then no address counts as suppressed here, and the send step's own
   * check is what refuses one.
   */
  isSuppressed?: (workspaceId: string, email: string) => Promise<boolean>;
  clock: () => Date;
  log: Logger;
  /** Requests recorded at once when Send queues a bulk ask; each is a few writes. */
  concurrency?: number;
}

/** Results are saved this often while queuing, so the Home's progress moves during a long queue. */
const SAVE_EVERY = 50;

/**
 * Starting a bulk ask once, queuing one request per customer through the single flow's `requestSend`
 * (same idempotency, cooldown, audit and claims), and its progress as the sender works through them.
 */
export function createBulkRun(deps: BulkDeps) {
  const log = deps.log.child({ component: 'bulk-ask' });
  const concurrency = Math.max(1, deps.concurrency ?? 4);

  async function loadOwn(workspaceId: string, bulkId: string): Promise<BulkActionDocument> {
    const plan = await deps.actions.find(bulkId);
    if (!plan || plan.workspaceId !== workspaceId)
      // Not a plan relink drew for this workspace: a stale or forged confirmation.
      throw new RelinkError('metadata_invalid', `no bulk action ${bulkId} in ${workspaceId}`);
    return plan;
  }

  /** Queues one target: the single flow's request, keyed by the bulk action and the customer. */
  async function queueOne(
    plan: BulkActionDocument,
    target: BulkTarget,
    who: SlackActor,
  ): Promise<BulkResult> {
    const { authorizationId } = target;
    const none = { authorizationId, requestId: null, skipped: null, failed: null };
    const entry = (await deps.worklist.entries(plan.workspaceId, [authorizationId])).get(authorizationId);
    // Checked again at Send: the confirmation may have been open a while. The cooldown is requestSend's.
    const facts = entry
      ? {
          visible: true,
          state: entry.state,
          email: entry.email,
          latestRequest: entry.request,
          lastSentAt: null,
        }
      : { visible: false, state: 'active' as const, email: null, latestRequest: null, lastSentAt: null };
    const suppressed = entry?.email
      ? ((await deps.isSuppressed?.(plan.workspaceId, entry.email)) ?? false)
      : false;
    const idempotencyKey = `bulk:${plan._id}:${authorizationId}`;
    // Queued again after a stop (resumeUnfinished), a customer's "already asked" may be this ask's own
    // request: looked up only for a skip, so a first pass reads nothing more.
    let reason = bulkSkipReason({ ...facts, suppressed }, deps.clock(), 0);
    const own = reason && entry?.request ? await deps.requests.findById(entry.request.id) : null;
    if (own?.idempotencyKey === idempotencyKey) {
      // Still queued: requestSend's repeat finishes what the stop may have cut short. Else it is done.
      if (own.status !== 'queued') return { ...none, requestId: own._id.toHexString() };
      reason = null;
    }
    if (reason || !entry) return { ...none, skipped: reason ?? 'not_allowed' };
    try {
      const { request } = await deps.reauth.requestSend({
        workspaceId: plan.workspaceId,
        authorizationId,
        draft: bulkDraftOf(entry, plan.note),
        problem: { state: entry.state, reason: entry.reason },
        requestedBy: who,
        idempotencyKey,
      });
      return { ...none, requestId: request._id.toHexString() };
    } catch (err) {
      const e = asRelinkError(err);
      const skipped = bulkSkipReasonOfError(e.code);
      if (skipped) return { ...none, skipped };
      log.error({ err: e, bulkId: plan._id, authorizationId }, 'bulk ask could not queue a request');
      return { ...none, failed: e.code };
    }
  }

  /** Queues every target, a few at a time, saving results as it goes. Safe to run again: keys repeat. */
  async function queueAll(plan: BulkActionDocument, who: SlackActor): Promise<void> {
    const results: BulkResult[] = new Array(plan.targets.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < plan.targets.length) {
        const at = next++;
        results[at] = await queueOne(plan, plan.targets[at] as BulkTarget, who);
        if (++done % SAVE_EVERY === 0) await deps.actions.set(plan._id, { results: results.filter(Boolean) });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await deps.actions.set(plan._id, { results, queuedAt: deps.clock() });
    log.info({ bulkId: plan._id, targets: plan.targets.length }, 'bulk ask queued');
  }

  return {
    /**
     * Starts a plan once: a double submit or Slack's retry gets `started: false` and changes nothing.
     * The caller runs `queue` after answering Slack (it can take a while for a thousand customers).
     */
    async start(input: {
      workspaceId: string;
      bulkId: string;
      requestedBy: SlackActor;
      note: string | null;
    }) {
      const plan = await loadOwn(input.workspaceId, input.bulkId);
      const now = deps.clock();
      if (!(await deps.actions.claimStart(plan._id, now)))
        return { started: false as const, total: plan.targets.length };
      await deps.actions.set(plan._id, { startedAt: now, note: input.note });
      const selection = await deps.homeState.getSelection(input.workspaceId, input.requestedBy.userId);
      await deps.homeState.setSelection(
        input.workspaceId,
        input.requestedBy.userId,
        { ...selection, all: false, ids: [], lastBulkId: plan._id },
        now,
      );
      const started = { ...plan, startedAt: now, note: input.note };
      return {
        started: true as const,
        total: plan.targets.length,
        queue: () => queueAll(started, input.requestedBy),
      };
    },

    /** Where a bulk ask stands: recorded, sent, waiting, failed and skipped, from memory and one read. */
    async progress(workspaceId: string, bulkId: string): Promise<BulkProgress | null> {
      const plan = await deps.actions.find(bulkId);
      if (!plan || plan.workspaceId !== workspaceId || !plan.startedAt) return null;
      const names = new Map(plan.targets.map((t) => [t.authorizationId, t.name]));
      const withRequest = plan.results.filter((r) => r?.requestId);
      const entries = await deps.worklist.entries(
        workspaceId,
        withRequest.map((r) => r.authorizationId),
      );
      const skipped: Partial<Record<BulkSkipReason, number>> = {};
      const skip = (reason: BulkSkipReason) => {
        skipped[reason] = (skipped[reason] ?? 0) + 1;
      };
      for (const s of plan.skipped) skip(s.reason);
      let sent = 0;
      let pending = 0;
      const failed: BulkProgress['failed'] = [];
      for (const result of plan.results) {
        if (!result) continue;
        const name = names.get(result.authorizationId) ?? 'Unknown customer';
        if (result.skipped) skip(result.skipped);
        else if (result.failed) failed.push({ name, code: result.failed });
        else {
          const latest = entries.get(result.authorizationId)?.request;
          // A newer request than the bulk's (someone asked again since) means this one was dealt with.
          if (latest && latest.id !== result.requestId) sent++;
          else if (latest && isSentStatus(latest.status)) sent++;
          else if (latest && isFailedStatus(latest.status)) failed.push({ name, code: latest.status });
          else pending++;
        }
      }
      const queuing = plan.queuedAt === null;
      return {
        bulkId,
        total: plan.targets.length,
        queuing,
        recorded: plan.results.filter(Boolean).length,
        sent,
        pending,
        failed,
        skipped,
        done: !queuing && pending === 0,
        requestedBy: plan.requestedBy.userId,
      };
    },

    /**
     * Continues queuing every bulk ask that Send started but a stop cut short (run at startup). The same
     * idempotency keys mean customers already queued get their existing request, never a second one.
     */
    async resumeUnfinished(): Promise<number> {
      const open = await deps.actions.unfinished();
      for (const plan of open) {
        log.info({ bulkId: plan._id, targets: plan.targets.length }, 'resuming an interrupted bulk ask');
        await queueAll(plan, plan.requestedBy);
      }
      return open.length;
    },

    /** True once for a finished bulk ask: whoever gets it posts the summary. */
    async claimSummary(bulkId: string): Promise<boolean> {
      const now = deps.clock();
      if (!(await deps.actions.claimStart(`${bulkId}:summary`, now))) return false;
      await deps.actions.set(bulkId, { summaryPostedAt: now });
      return true;
    },

    /**
     * Bulk asks started within `withinMs` whose summary was not posted: relink stopped while they were
     * queued or sent, so nobody is following them to their summary (run at startup).
     */
    async unsummarized(
      withinMs: number,
    ): Promise<{ bulkId: string; workspaceId: string; requestedBy: SlackActor }[]> {
      const since = new Date(deps.clock().getTime() - withinMs);
      const plans = await deps.actions.unsummarized(since);
      return plans.map((p) => ({ bulkId: p._id, workspaceId: p.workspaceId, requestedBy: p.requestedBy }));
    },
  };
}
