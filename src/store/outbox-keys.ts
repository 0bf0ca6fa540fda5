import type { Model, Types } from 'mongoose';
import type { OutboxEffect } from '../domain/reauth-request';
import { DELETE_BATCH } from './batched-delete';
import { isDuplicateKey } from './duplicate-key';
import type { Models } from './models';

/*
 * The outbox is a queue drained by publishing: `outbox` holds only what is still to publish (pending
 * and parked entries), so the publisher's every pass reads a small collection. Publishing deletes the
 * entry. What keeps a replay (a retried job, a crash replay, a repaired revision) from publishing an
 * effect twice is `outbox_keys`: every id ever recorded, written by insert only (its unique `_id` is
 * the check, on FerretDB and MongoDB alike) and never read on the hot path.
 *
 * Write order, so that a crash between two writes never loses an effect nor publishes one twice:
 *  - record: the entry first (a duplicate means it is still pending: nothing to do), then its key.
 *    A key already there means the entry was recorded before and is gone, so it was published: the
 *    entry just inserted is deleted again. A crash after the entry and before its key leaves a
 *    pending entry without a key; that is what publishing repairs:
 *  - publish: the key first (inserted if missing), then the entry is deleted. A crash between them
 *    leaves the entry pending, published again at most into the notice it already has (notices are
 *    claimed by entry id, see post-once.ts); a key is never missing for a deleted entry.
 * Only a writer whose entry insert succeeded writes its key at record time: were a writer that found
 * the entry already there to write it too, it could beat the entry's own writer to the key and make
 * it delete a live entry.
 */

/** An entry as a writer records it; the bookkeeping fields take their defaults. */
export interface NewOutboxEntry {
  _id: string;
  authorizationId: Types.ObjectId;
  version: number;
  effect: OutboxEffect;
  createdAt: Date;
}

// biome-ignore lint/suspicious/noExplicitAny: either model; documents are built by the callers.
type AnyModel = Model<any>;

/** Inserts all it can; returns the positions that were already there. Other failures throw. */
async function insertNew(model: AnyModel, docs: readonly object[]): Promise<Set<number>> {
  if (docs.length === 0) return new Set();
  try {
    await model.insertMany(docs, { ordered: false });
    return new Set();
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { index: number }[] }).writeErrors;
    if (writeErrors?.every(isDuplicateKey)) return new Set(writeErrors.map((w) => w.index));
    if (!writeErrors && docs.length === 1 && isDuplicateKey(err)) return new Set([0]);
    throw err;
  }
}

/**
 * Records entries (one insert for the entries, one for their keys); returns the ids that are new.
 * An id recorded before, pending or published, is not recorded again.
 */
export async function recordEntries(
  { OutboxEffect, OutboxKey }: Pick<Models, 'OutboxEffect' | 'OutboxKey'>,
  entries: readonly NewOutboxEntry[],
): Promise<string[]> {
  const pending = await insertNew(OutboxEffect, entries);
  const inserted = entries.filter((_, i) => !pending.has(i));
  const known = await insertNew(
    OutboxKey,
    inserted.map((e) => ({ _id: e._id, createdAt: e.createdAt })),
  );
  const published = inserted.filter((_, i) => known.has(i)).map((e) => e._id);
  if (published.length > 0) await deleteEntries(OutboxEffect, published);
  return inserted.filter((_, i) => !known.has(i)).map((e) => e._id);
}

/** Publishing: keys first, then the entries leave the outbox (see the write order above). */
export async function drainPublished(
  { OutboxEffect, OutboxKey }: Pick<Models, 'OutboxEffect' | 'OutboxKey'>,
  ids: readonly string[],
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await insertNew(
    OutboxKey,
    ids.map((id) => ({ _id: id, createdAt: now })),
  );
  await deleteEntries(OutboxEffect, ids);
}

/** A bare `{ _id }` filter for one (the indexed form on FerretDB), `$in` batches for many. */
async function deleteEntries(OutboxEffect: AnyModel, ids: readonly string[]): Promise<void> {
  if (ids.length === 1) {
    await OutboxEffect.deleteOne({ _id: ids[0] });
    return;
  }
  for (let i = 0; i < ids.length; i += DELETE_BATCH)
    await OutboxEffect.deleteMany({ _id: { $in: ids.slice(i, i + DELETE_BATCH) } });
}

/**
 * Once per database, at start: an install from before the outbox was drained kept published entries
 * in `outbox` (for idempotency, until retention). Each entry gets its key, dated by its publication
 * when published (so retention keeps it as long as before), then the published ones leave. Safe to
 * repeat after a crash part-way; when already done it costs one read of the (small) outbox.
 */
export async function moveOutPublished({
  OutboxEffect,
  OutboxKey,
}: Pick<Models, 'OutboxEffect' | 'OutboxKey'>): Promise<number> {
  if (!(await OutboxEffect.exists({ publishedAt: { $ne: null } }))) return 0;
  const all = await OutboxEffect.find({}, { _id: 1, createdAt: 1, publishedAt: 1 })
    .lean<{ _id: string; createdAt: Date; publishedAt: Date | null }[]>()
    .exec();
  const keys = all.map((e) => ({ _id: e._id, createdAt: e.publishedAt ?? e.createdAt }));
  for (let i = 0; i < keys.length; i += DELETE_BATCH)
    await insertNew(OutboxKey, keys.slice(i, i + DELETE_BATCH));
  const published = all.filter((e) => e.publishedAt).map((e) => e._id);
  await deleteEntries(OutboxEffect, published);
  return published.length;
}
