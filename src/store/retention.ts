import type { Logger } from '../logger';
import { type DeleteExpiredResult, deleteExpired } from './batched-delete';
import type { Inbox } from './inbox';
import type { Models } from './models';
import type { Outbox } from './outbox';

/** Days each kind of record is kept (README, "Retention"); 0 keeps it forever. */
export interface RetentionSettings {
  webhookPayloadDays: number;
  inboxOutcomeDays: number;
  publishedOutboxDays: number;
  auditDays: number;
}

export interface PruneReport extends DeleteExpiredResult {
  collection: string;
  ms: number;
}

const DAY_MS = 86_400_000;

/**
 * Deletes what relink no longer needs, once a day (src/flows/steps.ts): raw webhook payloads (they hold customer
 * emails), outcomes of processed events, ids of outbox entries recorded long ago, and old audit history.
 * What is still to do stays whatever its age: queued or poisoned events, unpublished or parked
 * entries, revisions not yet applied. Each collection goes in batches (see batched-delete.ts).
 */
export function createRetention(deps: {
  inbox: Pick<Inbox, 'pruneArchive' | 'pruneOutcomes'>;
  outbox: Pick<Outbox, 'pruneKeys'>;
  models: Pick<Models, 'AuditEvent'>;
  settings: RetentionSettings;
  log: Logger;
}) {
  const { settings } = deps;
  const log = deps.log.child({ job: 'retention' });
  const cutoff = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);
  // 0 days keeps everything: a cutoff before any record.
  const before = (now: Date, days: number) => (days > 0 ? cutoff(now, days) : new Date(0));

  async function timed(collection: string, run: () => Promise<DeleteExpiredResult>): Promise<PruneReport> {
    const started = performance.now();
    const result = await run();
    return { collection, ...result, ms: Math.round(performance.now() - started) };
  }

  return {
    /** One pruning run; `maxBatches` bounds each collection's share (the rest goes next time). */
    async prune(now: Date, options: { maxBatches?: number } = {}): Promise<PruneReport[]> {
      const { maxBatches } = options;
      const reports: PruneReport[] = [];
      reports.push(
        await timed('inbox', () =>
          deps.inbox.pruneArchive(before(now, settings.webhookPayloadDays), maxBatches),
        ),
      );
      reports.push(
        await timed('inbox_outcomes', () =>
          deps.inbox.pruneOutcomes(before(now, settings.inboxOutcomeDays), maxBatches),
        ),
      );
      reports.push(
        // Publishing deletes outbox entries; what ages out is the record of their ids (idempotency).
        await timed('outbox_keys', () =>
          deps.outbox.pruneKeys(before(now, settings.publishedOutboxDays), maxBatches),
        ),
      );
      reports.push(
        await timed('audit_events', () =>
          // appliedAt, not `at`: it leads the index on MongoDB, and an unapplied revision must stay.
          deleteExpired(deps.models.AuditEvent, {
            ageField: 'appliedAt',
            before: before(now, settings.auditDays),
            maxBatches,
          }),
        ),
      );
      for (const r of reports) {
        if (r.deleted > 0 || !r.complete) log.info(r, 'old records pruned');
      }
      return reports;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
