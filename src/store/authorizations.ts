import { Types } from 'mongoose';
import { auditActionOf, type RecordedAction } from '../domain/audit-action';
import type { AuthorizationEvent, AuthorizationStatus, Effect, PlatformKey } from '../domain/authorization';
import {
  type CustomerEdit,
  type CustomerFields,
  mergeCustomer,
  type ObservedCustomer,
  sameCustomer,
} from '../domain/customer';
import { RelinkError } from '../domain/errors';
import { auditEventId, OutboxId } from '../domain/record-ids';
import { transition } from '../domain/transition';
import { createAuthorizationKeys } from './authorization-keys';
import { isDuplicateKey } from './duplicate-key';
import type { StoreListeners } from './listeners';
import type { AuditEventDocument, AuthorizationDocument, Models } from './models';

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
  now: Date;
}

const MAX_ATTEMPTS = 10;

const statusOf = (doc: AuthorizationDocument): AuthorizationStatus => ({
  state: doc.state,
  reason: doc.reason ?? null,
  expiresAt: doc.expiresAt ?? null,
  declinedAt: doc.declinedAt ?? null,
  revokedAt: doc.revokedAt ?? null,
  lastEventAt: doc.lastEventAt ?? null,
  incidentOpen: doc.incidentOpen,
  warnedDays: [...doc.warnedDays],
});

const customerOf = (doc: AuthorizationDocument): CustomerFields => ({
  name: doc.customer?.name ?? null,
  email: doc.customer?.email ?? null,
  editedInRelink: doc.customer?.editedInRelink ?? false,
  utility: doc.utility,
});

/**
 * Authorizations and their history. Every change is a numbered revision: the writer inserts the
 * audit event `<id>:<version+1>` (the unique insert is the lock), then writes the outbox effects and
 * the authorization. A writer that loses the insert completes the winner's revision and retries on
 * top of it; a crash between the steps is completed by the next writer or by {@link repairUnapplied}.
 */
export function createAuthorizationStore(models: Models, listeners: StoreListeners = {}) {
  const { Authorization, AuditEvent, OutboxEffect } = models;
  const keys = createAuthorizationKeys(models, listeners);

  async function applyRevision(audit: AuditEventDocument): Promise<void> {
    if (audit.effects.length > 0) {
      const effects = audit.effects.map((effect, n) => ({
        _id: OutboxId.revisionEffect(audit._id, n),
        authorizationId: audit.authorizationId,
        version: audit.version,
        effect,
        createdAt: audit.at,
      }));
      await OutboxEffect.insertMany(effects, { ordered: false }).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
    }
    const incident = audit.effects.find(
      (e) => e.type === 'incident.opened' || e.type === 'incident.resolved',
    );
    // Read, then write by _id alone: FerretDB only indexes a bare `{ _id }` filter (a version condition
    // in the filter would scan the collection), and its update is not a compare-and-set anyway.
    const current = await Authorization.findById(audit.authorizationId).lean();
    if (!current || current.version >= audit.version) {
      await AuditEvent.updateOne({ _id: audit._id }, { $set: { appliedAt: new Date() } });
      return;
    }
    const fields: Partial<AuthorizationDocument> = {
      ...audit.next,
      ...(audit.customer
        ? {
            customer: {
              name: audit.customer.name,
              email: audit.customer.email,
              editedInRelink: audit.customer.editedInRelink,
            },
            utility: audit.customer.utility,
          }
        : {}),
      // Revisions written before effects carried `since` fall back to the revision's time.
      ...(incident
        ? { incidentSince: incident.type === 'incident.opened' ? (incident.since ?? audit.at) : null }
        : {}),
      version: audit.version,
    };
    await Authorization.updateOne({ _id: audit.authorizationId }, { $set: fields });
    listeners.authorizationWritten?.({ ...current, ...fields });
    await AuditEvent.updateOne({ _id: audit._id }, { $set: { appliedAt: new Date() } });
  }

  async function completePending(authorizationId: Types.ObjectId): Promise<void> {
    const pending = await AuditEvent.find({ authorizationId, appliedAt: null }).sort({ version: 1 }).lean();
    for (const audit of pending) await applyRevision(audit);
  }

  async function applyTo(start: AuthorizationDocument, options: ApplyOptions): Promise<ApplyResult> {
    let doc = start;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = statusOf(doc);
      const { next, effects, changed } = options.event
        ? transition(current, options.event, options.now)
        : { next: current, effects: [], changed: false };
      const customerBefore = customerOf(doc);
      const customer = mergeCustomer(customerBefore, options.customer, options.customerEdit);
      const customerChanged = !sameCustomer(customerBefore, customer);
      const authorizationId = doc._id.toHexString();
      if (!options.record && !customerChanged && !changed) {
        return { authorizationId, version: doc.version, changed: false, effects: [] };
      }

      const version = doc.version + 1;
      const audit: AuditEventDocument = {
        _id: auditEventId(authorizationId, version),
        authorizationId: doc._id,
        version,
        actor: options.actor,
        action: auditActionOf({ record: options.record, from: current, next, effects, changed }),
        from: current.state,
        to: next.state,
        sourceEventId: options.sourceEventId ?? null,
        at: options.now,
        next,
        customer: customerChanged ? customer : null,
        effects,
        appliedAt: null,
      };
      try {
        await AuditEvent.create(audit);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Another writer claimed this version: finish its revision, then try again on top of it.
        await completePending(doc._id);
        const reloaded = await Authorization.findById(doc._id).lean();
        if (!reloaded)
          throw new RelinkError('store_inconsistent', `authorization ${authorizationId} vanished`);
        doc = reloaded;
        continue;
      }
      await applyRevision(audit);
      return { authorizationId, version, changed: true, effects };
    }
    throw new RelinkError(
      'store_contention',
      `too many concurrent changes to authorization ${doc._id.toHexString()}`,
    );
  }

  return {
    /** Applies an event to the authorization a platform knows as `source/externalId`, creating it if new. */
    async applyByKey(key: PlatformKey, options: ApplyOptions) {
      const doc = await keys.findOrCreate(key);
      return applyTo(doc, options);
    },

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
      const pending = await AuditEvent.find({ appliedAt: null, at: { $lt: olderThan } })
        .sort({ at: 1 })
        .limit(500)
        .lean();
      for (const audit of pending) await applyRevision(audit);
      return pending.length;
    },

    history: (id: string) =>
      AuditEvent.find({ authorizationId: new Types.ObjectId(id) })
        .sort({ version: 1 })
        .lean(),
  };
}

export type AuthorizationStore = ReturnType<typeof createAuthorizationStore>;
