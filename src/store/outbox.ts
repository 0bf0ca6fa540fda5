import type { Types } from 'mongoose';
import type { OutboxEffect as OutboxEntryEffect } from '../domain/reauth-request';
import { isDuplicateKey } from './duplicate-key';
import type { Models, OutboxEffectDocument } from './models';

/** Effects waiting to reach the outside world, oldest first. */
export function createOutbox(models: Models) {
  const { OutboxEffect } = models;
  return {
    /**
     * Adds an effect under a caller-chosen unique id, so recording the same thing twice (a retried
     * job, a crash replay) leaves one entry. Returns false when it was already there.
     */
    async record(entry: {
      id: string;
      authorizationId: Types.ObjectId;
      effect: OutboxEntryEffect;
      createdAt: Date;
    }) {
      try {
        await OutboxEffect.create({
          _id: entry.id,
          authorizationId: entry.authorizationId,
          version: 0,
          effect: entry.effect,
          createdAt: entry.createdAt,
        });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    countPending: () => OutboxEffect.countDocuments({ publishedAt: null }),

    pending: (limit = 100): Promise<OutboxEffectDocument[]> =>
      OutboxEffect.find({ publishedAt: null }).sort({ createdAt: 1, _id: 1 }).limit(limit).lean(),

    markPublished: (id: string, now: Date) =>
      OutboxEffect.updateOne({ _id: id, publishedAt: null }, { $set: { publishedAt: now } }).then(
        () => undefined,
      ),

    markFailed: (id: string, error: string) =>
      OutboxEffect.updateOne({ _id: id }, { $inc: { attempts: 1 }, $set: { lastError: error } }).then(
        () => undefined,
      ),

    forAuthorization: (authorizationId: string) =>
      OutboxEffect.find({ authorizationId }).sort({ createdAt: 1, _id: 1 }).lean(),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
