import type { Types } from 'mongoose';
import { auditActionOf } from '../domain/audit-action';
import type { AuthorizationStatus, PlatformKey } from '../domain/authorization';
import { type CustomerFields, mergeCustomer, sameCustomer } from '../domain/customer';
import { auditEventId, OutboxId } from '../domain/record-ids';
import { transition } from '../domain/transition';
import { triageAuditAction, triageOf, triageRevision } from '../domain/triage';
import type { ApplyOptions, ApplyResult } from './authorizations';
import { isDuplicateKey } from './duplicate-key';
import type { StoreListeners } from './listeners';
import type { AuditEventDocument, AuthorizationDocument, Models } from './models';
import { recordEntries } from './outbox-keys';

/*
 * One revision of an authorization (see authorizations.ts): computed in memory from the document and
 * an event, then applied — outbox effects inserted, the authorization written — by whichever writer
 * gets there, any number of times with the same result.
 */

export const statusOf = (doc: AuthorizationDocument): AuthorizationStatus => ({
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

/** What a new authorization looks like before its first revision (as findOrCreate creates it). */
export function newAuthorization(_id: Types.ObjectId, key: PlatformKey, now: Date): AuthorizationDocument {
  return {
    _id,
    ...key,
    customer: { name: null, email: null, editedInRelink: false },
    utility: '',
    state: 'pending',
    reason: null,
    expiresAt: null,
    declinedAt: null,
    revokedAt: null,
    lastEventAt: null,
    incidentOpen: false,
    incidentSince: null,
    warnedDays: [],
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/** The next revision of `doc` for `options`, or null when nothing changes and nothing is recorded. */
export function nextRevision(
  doc: AuthorizationDocument,
  options: ApplyOptions,
  appliedAt: Date | null,
): AuditEventDocument | null {
  const current = statusOf(doc);
  const {
    next,
    effects: stateEffects,
    changed,
  } = options.event
    ? transition(current, options.event, options.now)
    : { next: current, effects: [], changed: false };
  // Triage follows the platform's news (a new problem reopens a dismissal) and a person's command.
  const triage = triageRevision(triageOf(doc.triage), stateEffects, options.triage, options.now);
  const effects = [...stateEffects, ...triage.effects];
  const customerBefore = customerOf(doc);
  const customer = mergeCustomer(customerBefore, options.customer, options.customerEdit);
  const customerChanged = !sameCustomer(customerBefore, customer);
  if (!options.record && !customerChanged && !changed && !triage.changed) return null;
  const version = doc.version + 1;
  return {
    _id: auditEventId(doc._id.toHexString(), version),
    authorizationId: doc._id,
    version,
    actor: options.actor,
    action: options.triage
      ? triageAuditAction(options.triage.command)
      : auditActionOf({ record: options.record, from: current, next, effects, changed }),
    from: current.state,
    to: next.state,
    sourceEventId: options.sourceEventId ?? null,
    at: options.now,
    next,
    customer: customerChanged ? customer : null,
    triage: triage.changed ? triage.next : null,
    effects,
    appliedAt,
  };
}

export const resultOf = (doc: AuthorizationDocument, audit: AuditEventDocument | null): ApplyResult =>
  audit
    ? {
        authorizationId: doc._id.toHexString(),
        version: audit.version,
        changed: true,
        effects: audit.effects,
      }
    : { authorizationId: doc._id.toHexString(), version: doc.version, changed: false, effects: [] };

/** The authorization's fields after `audit`. */
export function revisionFields(audit: AuditEventDocument): Partial<AuthorizationDocument> {
  const incident = audit.effects.find((e) => e.type === 'incident.opened' || e.type === 'incident.resolved');
  return {
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
    ...(audit.triage ? { triage: audit.triage } : {}),
    version: audit.version,
  };
}

export const outboxEntriesOf = (audit: AuditEventDocument) =>
  audit.effects.map((effect, n) => ({
    _id: OutboxId.revisionEffect(audit._id, n),
    authorizationId: audit.authorizationId,
    version: audit.version,
    effect,
    createdAt: audit.at,
  }));

export const ignoreDuplicates = (err: unknown) => {
  const writeErrors = (err as { writeErrors?: unknown[] }).writeErrors;
  if (writeErrors ? !writeErrors.every(isDuplicateKey) : !isDuplicateKey(err)) throw err;
};

/** Applies revisions, idempotently: the repair path and the losers of a revision race call it too. */
export function createRevisionWriter(models: Models, listeners: StoreListeners) {
  const { Authorization, AuditEvent } = models;
  return async function applyRevision(audit: AuditEventDocument, create?: PlatformKey | null): Promise<void> {
    const entries = outboxEntriesOf(audit);
    // Key-checked: an effect published (and drained) before a repair replays it is not recorded again.
    await recordEntries(models, entries);
    // Read, then write by _id alone: FerretDB only indexes a bare `{ _id }` filter (a version condition
    // in the filter would scan the collection), and its update is not a compare-and-set anyway.
    const current = await Authorization.findById(audit.authorizationId).lean();
    const fields = revisionFields(audit);
    if (!current && create) {
      // A batch that created this authorization stopped before writing it (see authorization-batch.ts).
      const doc = { ...newAuthorization(audit.authorizationId, create, audit.at), ...fields };
      const written = await Authorization.insertMany([doc]).then(
        () => true,
        (err) => {
          ignoreDuplicates(err);
          return false;
        },
      );
      if (written) listeners.authorizationWritten?.(doc);
      else return applyRevision(audit, null);
    } else if (current && current.version < audit.version) {
      await Authorization.updateOne({ _id: audit.authorizationId }, { $set: fields });
      listeners.authorizationWritten?.({ ...current, ...fields });
    }
    if (entries.length > 0) listeners.effectsRecorded?.(entries.map((e) => e.effect.type));
    if (!audit.appliedAt) await AuditEvent.updateOne({ _id: audit._id }, { $set: { appliedAt: new Date() } });
  };
}

export type ApplyRevision = ReturnType<typeof createRevisionWriter>;
