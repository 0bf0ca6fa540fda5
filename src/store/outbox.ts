import type { Types } from 'mongoose';
import { NOW_LANE_TYPES } from '../domain/lanes';
import type { OutboxEffect as OutboxEntryEffect } from '../domain/reauth-request';
import { deleteExpired } from './batched-delete';
import type { StoreListeners } from './listeners';
import type { Models, OutboxEffectDocument } from './models';
import { drainPublished, moveOutPublished, recordEntries } from './outbox-keys';

/*
 * Dead letters. An entry Slack refuses for good (channel_not_found, not_in_channel, invalid_blocks …)
 * waits before it is tried again, and after PARK_AFTER_REFUSALS refusals it is parked: left with its
 * reason for a person, skipped by `pending`, so it neither blocks newer notices of its authorization
 * nor, in numbers, starves every newer notice. `retryParked` puts parked entries back once fixed (the
 * bot invited to the channel). Waiting, not retrying at once, is what keeps a pass cheap: a refused
 * entry costs one Slack call per wait, not one per pass.
 */
export const PARK_AFTER_REFUSALS = 3;
/** The wait after the first and the second refusal; the third parks. */
const REFUSAL_WAITS_MS = [30_000, 120_000];

export interface Refusal {
  refusals: number;
  parked: boolean;
  /** When a refused but not parked entry is tried again. */
  retryAt: Date | null;
}

/**
 * Effects waiting to reach the outside world, oldest first. Only entries still to publish are kept
 * (pending and parked), so every read here is of a small collection; the ids of published ones are
 * remembered apart, in `outbox_keys` (outbox-keys.ts).
 */
export function createOutbox(models: Models, listeners: Pick<StoreListeners, 'effectsRecorded'> = {}) {
  const { OutboxEffect, OutboxKey } = models;
  // The unpublished; `publishedAt` is set only by a process from before the outbox was drained.
  const unpublished = { publishedAt: null };
  return {
    /** Once per database, at start: moves out what an older install kept published (outbox-keys.ts). */
    init: () => moveOutPublished(models).then(() => undefined),

    /**
     * Adds an effect under a caller-chosen unique id, so recording the same thing twice (a retried
     * job, a crash replay), even after it was published, leaves one entry and publishes it once.
     * Returns false when it was recorded before.
     */
    async record(entry: {
      id: string;
      authorizationId: Types.ObjectId;
      effect: OutboxEntryEffect;
      createdAt: Date;
    }) {
      const recorded = await recordEntries(models, [
        {
          _id: entry.id,
          authorizationId: entry.authorizationId,
          version: 0,
          effect: entry.effect,
          createdAt: entry.createdAt,
        },
      ]);
      return recorded.length === 1;
    },

    /** Entries still to publish; parked ones are counted by {@link countParked}. */
    countPending: () => OutboxEffect.countDocuments({ ...unpublished, parkedAt: null }),

    countParked: () => OutboxEffect.countDocuments({ ...unpublished, parkedAt: { $ne: null } }),

    /**
     * Up to `limit` entries to publish now, oldest first. An entry waiting after a refusal is skipped,
     * and so is every later entry of its authorization: their effects must reach Slack in order.
     */
    async pending(limit = 100, now = new Date()): Promise<OutboxEffectDocument[]> {
      const due: OutboxEffectDocument[] = [];
      const waiting = new Set<string>();
      const cursor = OutboxEffect.find({ ...unpublished, parkedAt: null })
        .sort({ createdAt: 1, _id: 1 })
        .lean<OutboxEffectDocument[]>()
        .cursor({ batchSize: limit });
      try {
        for await (const entry of cursor) {
          const authorizationId = entry.authorizationId.toHexString();
          if (entry.retryAt && entry.retryAt > now) waiting.add(authorizationId);
          if (waiting.has(authorizationId)) continue;
          due.push(entry);
          if (due.length >= limit) break;
        }
      } finally {
        await cursor.close();
      }
      return due;
    },

    /**
     * Whether news (an effect of the now lane, src/domain/lanes.ts) is due that is not among `known`:
     * recorded after a pass read its entries, possibly by another process. Reads ids only, at most `limit`
     * beyond `known`. An entry waiting after a refusal is not due.
     */
    async hasNewsBeyond(known: ReadonlySet<string>, now: Date, limit = 100): Promise<boolean> {
      const news = await OutboxEffect.find(
        {
          ...unpublished,
          parkedAt: null,
          'effect.type': { $in: NOW_LANE_TYPES },
          $or: [{ retryAt: null }, { retryAt: { $lte: now } }],
        },
        { _id: 1 },
      )
        .limit(known.size + limit)
        .lean<{ _id: string }[]>();
      return news.some((entry) => !known.has(entry._id));
    },

    /** Shown in Slack: the entry leaves the outbox, its id stays known (by `_id` alone on both). */
    markPublished: (id: string, now: Date) => drainPublished(models, [id], now),

    /** Slack could not be reached or was busy: nothing is known against the entry, it is tried next pass. */
    markFailed: (id: string, error: string) =>
      OutboxEffect.updateOne({ _id: id }, { $inc: { attempts: 1 }, $set: { lastError: error } }).then(
        () => undefined,
      ),

    /** Slack refused the entry for good: it waits, or after {@link PARK_AFTER_REFUSALS} it is parked. */
    async markRefused(
      entry: Pick<OutboxEffectDocument, '_id' | 'refusals'>,
      error: string,
      now: Date,
    ): Promise<Refusal> {
      const refusals = (entry.refusals ?? 0) + 1;
      const parked = refusals >= PARK_AFTER_REFUSALS;
      const wait = REFUSAL_WAITS_MS[Math.min(refusals, REFUSAL_WAITS_MS.length) - 1] as number;
      const retryAt = parked ? null : new Date(now.getTime() + wait);
      await OutboxEffect.updateOne(
        { _id: entry._id },
        {
          $inc: { attempts: 1 },
          $set: { lastError: error, refusals, retryAt, parkedAt: parked ? now : null },
        },
      );
      return { refusals, parked, retryAt };
    },

    /** Puts every parked entry back in line (its cause fixed), announced as recorded; returns how many. */
    async retryParked(): Promise<number> {
      const parked = { ...unpublished, parkedAt: { $ne: null } };
      const types: OutboxEntryEffect['type'][] = await OutboxEffect.distinct('effect.type', parked);
      const result = await OutboxEffect.updateMany(parked, {
        $set: { parkedAt: null, retryAt: null, refusals: 0 },
      });
      if (result.modifiedCount > 0) listeners.effectsRecorded?.(types);
      return result.modifiedCount;
    },

    /**
     * Retention: forgets ids recorded (or published, when their key was written then) before `before`.
     * Entries still to publish stay in the outbox whatever their age, and a replay of one of them
     * still finds it there.
     */
    pruneKeys: (before: Date, maxBatches?: number) =>
      deleteExpired(OutboxKey, { ageField: 'createdAt', before, maxBatches }),

    /** An authorization's entries still to publish (pending or parked), oldest first. */
    forAuthorization: (authorizationId: string) =>
      OutboxEffect.find({ authorizationId, ...unpublished })
        .sort({ createdAt: 1, _id: 1 })
        .lean(),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
