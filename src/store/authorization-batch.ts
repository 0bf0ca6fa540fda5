import { Types } from 'mongoose';
import type { PlatformKey } from '../domain/authorization';
import { authorizationKeyId } from '../domain/record-ids';
import type { AuthorizationCopies } from './authorization-copies';
import type { createAuthorizationKeys } from './authorization-keys';
import type { ApplyOptions, ApplyResult } from './authorizations';
import { readByIds } from './by-ids';
import type { StoreListeners } from './listeners';
import type { AuditEventDocument, AuthorizationDocument, Models } from './models';
import { recordEntries } from './outbox-keys';
import {
  type ApplyRevision,
  ignoreDuplicates,
  newAuthorization,
  nextRevision,
  outboxEntriesOf,
  resultOf,
  revisionFields,
} from './revisions';

/** FerretDB 1.24 stops answering a bulk write of about 100 updates; 50 is well inside. */
const UPDATES_PER_BULK = 50;

export interface BatchItem {
  key: PlatformKey;
  options: ApplyOptions;
}

interface Planned {
  item: BatchItem;
  doc: AuthorizationDocument;
  /** The authorization does not exist yet: the revision creates it. */
  creates: boolean;
  audit: AuditEventDocument | null;
}

/*
 * Many authorizations' revisions at once, each exactly as a single write would make it, with one write
 * per step instead of one per authorization: on FerretDB a round trip costs milliseconds, a batched
 * insert of hundreds about the same as one. The steps, each safe to cut short:
 *  1. claim unknown keys (one insert) and read the rest by `_id`;
 *  2. insert a marker per revision in `revision_markers`, then the audit events (the unique insert is
 *     the version claim, as for a single write); a revision another writer claimed first goes the
 *     single-write way, which completes the winner's revision and retries on top of it;
 *  3. insert the outbox effects, insert the new authorizations and update the others (bulk, by `_id`);
 *  4. delete the markers. A crash before that leaves markers, and repairUnapplied completes their
 *     revisions (creating the authorization when the marker says so) — nothing lost, nothing doubled.
 */
export function createBatchApply(
  models: Models,
  listeners: StoreListeners,
  deps: {
    keys: ReturnType<typeof createAuthorizationKeys>;
    /** A sole writer's copies; null when other processes may write too. */
    copies: AuthorizationCopies | null;
    applyRevision: ApplyRevision;
    applyByKey: (key: PlatformKey, options: ApplyOptions) => Promise<ApplyResult>;
  },
) {
  const { Authorization, AuditEvent, RevisionMarker } = models;

  /** Authorizations by id: a sole writer's copies as they are, the rest read (by-ids.ts). */
  async function readMany(wanted: Types.ObjectId[]): Promise<Map<string, AuthorizationDocument>> {
    const found = new Map<string, AuthorizationDocument>();
    const unread = deps.copies
      ? wanted.filter((id) => {
          const copy = deps.copies?.get(id.toHexString());
          if (copy) found.set(id.toHexString(), copy);
          return !copy;
        })
      : wanted;
    for (const doc of await readByIds<AuthorizationDocument>(Authorization, unread)) {
      found.set(doc._id.toHexString(), doc);
      deps.copies?.put(doc);
    }
    return found;
  }

  async function plan(items: BatchItem[]): Promise<Planned[]> {
    const { ids, claimed, remembered } = await deps.keys.resolveMany(
      items.map((i) => authorizationKeyId(i.key)),
    );
    const known = await readMany(
      items.flatMap((i) => {
        const keyId = authorizationKeyId(i.key);
        return claimed.has(keyId) ? [] : [ids.get(keyId) as Types.ObjectId];
      }),
    );
    const planned: Planned[] = [];
    for (const item of items) {
      const keyId = authorizationKeyId(item.key);
      const _id = ids.get(keyId) as Types.ObjectId;
      const existing = known.get(_id.toHexString());
      if (!existing && remembered.has(keyId)) {
        // Remembered, but its authorization is gone: the single write reads the key afresh.
        deps.keys.forget(keyId);
        continue;
      }
      const doc = existing ?? newAuthorization(_id, item.key, item.options.now);
      planned.push({
        item,
        doc,
        creates: !existing,
        audit: nextRevision(doc, item.options, item.options.now),
      });
    }
    return planned;
  }

  /** Inserts the markers and audit events; returns the revisions another writer claimed first. */
  async function claim(revisions: Planned[], batch: string): Promise<Set<Planned>> {
    const audits = revisions.map((p) => p.audit as AuditEventDocument);
    const markers = revisions.map((p) => ({
      _id: (p.audit as AuditEventDocument)._id,
      at: p.item.options.now,
      create: p.creates ? p.item.key : null,
      batch,
    }));
    await RevisionMarker.insertMany(markers, { ordered: false }).catch(ignoreDuplicates);
    const lost = new Set<Planned>();
    await AuditEvent.insertMany(audits, { ordered: false }).catch((err) => {
      ignoreDuplicates(err);
      for (const w of (err as { writeErrors: { index: number }[] }).writeErrors)
        lost.add(revisions[w.index] as Planned);
    });
    return lost;
  }

  async function write(won: Planned[]): Promise<void> {
    const entries = won.flatMap((p) => outboxEntriesOf(p.audit as AuditEventDocument));
    await recordEntries(models, entries);
    const created = won.filter((p) => p.creates);
    const docs = created.map((p) => ({ ...p.doc, ...revisionFields(p.audit as AuditEventDocument) }));
    const raced = new Set<number>();
    if (docs.length > 0)
      await Authorization.insertMany(docs, { ordered: false }).catch((err) => {
        ignoreDuplicates(err);
        for (const w of (err as { writeErrors: { index: number }[] }).writeErrors) raced.add(w.index);
      });
    for (const [n, doc] of docs.entries()) if (!raced.has(n)) listeners.authorizationWritten?.(doc);
    // Created under our claimed version by another path meanwhile: the single write's checks decide.
    for (const n of raced) await deps.applyRevision((created[n] as Planned).audit as AuditEventDocument);
    const updated = won.filter((p) => !p.creates);
    for (let i = 0; i < updated.length; i += UPDATES_PER_BULK) {
      const chunk = updated.slice(i, i + UPDATES_PER_BULK);
      await Authorization.bulkWrite(
        chunk.map((p) => ({
          updateOne: {
            filter: { _id: p.doc._id },
            update: {
              $set: { ...revisionFields(p.audit as AuditEventDocument), updatedAt: p.item.options.now },
            },
          },
        })),
        { ordered: false },
      );
      for (const p of chunk)
        listeners.authorizationWritten?.({ ...p.doc, ...revisionFields(p.audit as AuditEventDocument) });
    }
    if (entries.length > 0) listeners.effectsRecorded?.(entries.map((e) => e.effect.type));
  }

  /**
   * Applies each item's options to its authorization (keys must differ: a key seen twice is applied
   * again after the batch, on top of the first). Results are in the order of `items`.
   */
  return async function applyMany(items: BatchItem[]): Promise<ApplyResult[]> {
    const byKey = new Map<string, BatchItem>();
    for (const item of items)
      if (!byKey.has(authorizationKeyId(item.key))) byKey.set(authorizationKeyId(item.key), item);
    const first = [...byKey.values()];
    const planned = await plan(first);
    const revisions = planned.filter((p) => p.audit);
    const results = new Map<BatchItem, ApplyResult>();
    if (revisions.length > 0) {
      // The batch's markers are deleted by this one value: an `$in` of thousands of ids costs FerretDB
      // a comparison per id for every marker.
      const batch = new Types.ObjectId().toHexString();
      const lost = await claim(revisions, batch);
      await write(revisions.filter((p) => !lost.has(p)));
      for (const p of lost) results.set(p.item, await deps.applyByKey(p.item.key, p.item.options));
      await RevisionMarker.deleteMany({ batch });
    }
    for (const p of planned) if (!results.has(p.item)) results.set(p.item, resultOf(p.doc, p.audit));
    const out: ApplyResult[] = [];
    for (const item of items) out.push(results.get(item) ?? (await deps.applyByKey(item.key, item.options)));
    return out;
  };
}
