import type { Models, OutboxEffectDocument } from './models';

/** Effects waiting to reach the outside world, oldest first. */
export function createOutbox(models: Models) {
  const { OutboxEffect } = models;
  return {
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
