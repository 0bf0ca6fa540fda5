import { Types } from 'mongoose';
import type { RecordedAction } from '../domain/audit-action';
import type { AuthorizationEvent, Effect, PlatformKey } from '../domain/authorization';
import type { CustomerEdit, ObservedCustomer } from '../domain/customer';
import { RelinkError } from '../domain/errors';
import { auditEventId } from '../domain/record-ids';
import type { TriageCommand } from '../domain/triage';
import { createBatchApply } from './authorization-batch';
import { createAuthorizationCopies } from './authorization-copies';
import { createAuthorizationKeys } from './authorization-keys';
import { isDuplicateKey } from './duplicate-key';
import type { StoreListeners } from './listeners';
import type { AuditEventDocument, AuthorizationDocument, Models } from './models';
import { createRevisionWriter, ignoreDuplicates, nextRevision, resultOf } from './revisions';
import { migrateOnce } from './store-migrations';

export interface ApplyResult {
  authorizationId: string;
  version: number;
  changed: boolean;
  effects: Effect[];
}

export interface ApplyOptions {
  /** What happened; absent for revisions that only record an action or a customer edit. */
  event?: AuthorizationEvent;
  /** `platform`, `system`, or `slack:<team>/<user>`. */
  actor: string;
  sourceEventId?: string | null;
  customer?: ObservedCustomer | null;
  /** A person confirmed or corrected the customer in Slack: wins over the platform from now on. */
  customerEdit?: CustomerEdit | null;
  /**
   * Always write a revision with this action, even if nothing changes (e.g. `request.created`):
   * every request is audited in the same history as state changes.
   */
  record?: RecordedAction;
  /** A person triages the incident (src/domain/triage.ts); audited as `triage.<kind>`. */
  triage?: { command: TriageCommand; userId: string };
  now: Date;
}

const MAX_ATTEMPTS = 10;

/**
 * Authorizations and their history. Every change is a numbered revision: the writer inserts the
 * audit event `<id>:<version+1>` (the unique insert is the lock), then writes the outbox effects and
 * the authorization. A writer that loses the insert completes the winner's revision and retries on
 * top of it; a crash between the steps is completed by the next writer or by {@link repairUnapplied}.
 * Batches of platform observations take the same steps with one write per step
 * (authorization-batch.ts).
 */
export function createAuthorizationStore(
  models: Models,
  outside: StoreListeners = {},
  /** No other process writes to the database: batches may plan on copies (authorization-copies.ts). */
  options: { soleWriter?: boolean } = {},
) {
  const { Authorization, AuditEvent, RevisionMarker } = models;
  const copies = options.soleWriter ? createAuthorizationCopies() : null;
  const listeners: StoreListeners = copies
    ? {
        ...outside,
        authorizationWritten: (authorization) => {
          copies.put(authorization);
          outside.authorizationWritten?.(authorization);
        },
      }
    : outside;
  const keys = createAuthorizationKeys(models, listeners);
  const applyRevision = createRevisionWriter(models, listeners);

  /** Completes the revision `version` another writer claimed; read by `_id`, never by a scan. */
  async function completeClaimed(authorizationId: Types.ObjectId, version: number): Promise<void> {
    const claimed = await AuditEvent.findById(auditEventId(authorizationId.toHexString(), version)).lean();
    if (claimed) await applyRevision(claimed);
  }

  async function applyTo(start: AuthorizationDocument, options: ApplyOptions): Promise<ApplyResult> {
    let doc = start;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const audit = nextRevision(doc, options, null);
      if (!audit) return resultOf(doc, null);
      // Marked first in a small drained collection, as batches do: a crash before the revision is
      // applied leaves the marker, and the repair reads markers, never the audit trail.
      await RevisionMarker.insertMany([{ _id: audit._id, at: options.now, create: null }]).catch(
        ignoreDuplicates,
      );
      try {
        await AuditEvent.create(audit);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Another writer claimed this version: finish its revision, then try again on top of it.
        await completeClaimed(doc._id, audit.version);
        await RevisionMarker.deleteOne({ _id: audit._id });
        const reloaded = await Authorization.findById(doc._id).lean();
        if (!reloaded)
          throw new RelinkError('store_inconsistent', `authorization ${doc._id.toHexString()} vanished`);
        doc = reloaded;
        continue;
      }
      await applyRevision(audit);
      await RevisionMarker.deleteOne({ _id: audit._id });
      return resultOf(doc, audit);
    }
    throw new RelinkError(
      'store_contention',
      `too many concurrent changes to authorization ${doc._id.toHexString()}`,
    );
  }

  const applyByKey = async (key: PlatformKey, options: ApplyOptions) =>
    applyTo(await keys.findOrCreate(key), options);
  const applyMany = createBatchApply(models, listeners, { keys, copies, applyRevision, applyByKey });

  return {
    /** Applies an event to the authorization a platform knows as `source/externalId`, creating it if new. */
    applyByKey,

    /** Applies one observation to each of many authorizations, with a few batched writes in all. */
    applyMany,

    async applyById(id: string, options: ApplyOptions): Promise<ApplyResult> {
      const doc = await Authorization.findById(id).lean();
      if (!doc) throw new RelinkError('authorization_not_found', `no authorization ${id}`);
      return applyTo(doc, options);
    },

    findById: (id: string) =>
      Types.ObjectId.isValid(id) ? Authorization.findById(id).lean() : Promise.resolve(null),

    findByKey: keys.findByKey,

    /** Authorizations whose expiry has passed but are not yet expired (or declined/revoked). */
    findDueForExpiry: (now: Date, limit: number) =>
      Authorization.find({
        expiresAt: { $lte: now },
        state: { $in: ['pending', 'active', 'provider_issue', 'bad_login'] },
      })
        .sort({ expiresAt: 1 })
        .limit(limit)
        .lean(),

    /** Active or pending authorizations expiring within `days` that have not had this or a nearer warning. */
    findExpiringWithin: (now: Date, days: number, nearerOrEqual: number[], limit: number) =>
      Authorization.find({
        expiresAt: { $gt: now, $lte: new Date(now.getTime() + days * 86_400_000) },
        state: { $in: ['active', 'pending'] },
        warnedDays: { $nin: nearerOrEqual },
      })
        .sort({ expiresAt: 1 })
        .limit(limit)
        .lean(),

    /** Completes revisions a crash left half-applied (audit written, outbox or authorization not). */
    async repairUnapplied(olderThan: Date): Promise<number> {
      // Single writes were not marked before: their unfinished revisions are marked once, by a scan.
      await migrateOnce(AuditEvent.db, 'single_revisions_marked', async () => {
        const unapplied = await AuditEvent.find({ appliedAt: null }, { _id: 1, at: 1 }).lean();
        const markers = unapplied.map((a) => ({ _id: a._id, at: a.at, create: null }));
        if (markers.length > 0)
          await RevisionMarker.insertMany(markers, { ordered: false }).catch(ignoreDuplicates);
      });
      // Batches mark their revisions in a small collection while they apply them.
      const marked = await RevisionMarker.find({ at: { $lt: olderThan } })
        .limit(500)
        .lean();
      for (const marker of marked) {
        const audit = await AuditEvent.findById(marker._id).lean();
        if (audit) await applyRevision(audit, marker.create);
        await RevisionMarker.deleteOne({ _id: marker._id });
      }
      return marked.length;
    },

    /**
     * Revisions `fromVersion..toVersion` of one authorization, newest first, read by their ids (the
     * audit trail grows with history: never filter it by anything but `_id`).
     */
    async revisions(id: string, fromVersion: number, toVersion: number): Promise<AuditEventDocument[]> {
      const ids: string[] = [];
      for (let v = toVersion; v >= Math.max(1, fromVersion); v--) ids.push(auditEventId(id, v));
      if (ids.length === 0) return [];
      const found = await AuditEvent.find({ _id: { $in: ids } }).lean();
      return found.sort((a, b) => b.version - a.version);
    },

    history: (id: string) =>
      AuditEvent.find({ authorizationId: new Types.ObjectId(id) })
        .sort({ version: 1 })
        .lean(),
  };
}

export type AuthorizationStore = ReturnType<typeof createAuthorizationStore>;
