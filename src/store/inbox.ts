import type { InboxEventDocument, Models } from './models';

export interface IncomingEvent {
  source: string;
  eventId: string;
  type: string;
  payload: unknown;
}

/** Backoff for a failed event: 5 s, 10 s, 20 s … capped at 10 minutes. */
const retryDelayMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 600_000);

/**
 * Every inbound webhook event, stored once before processing (unique on source + eventId), so a
 * duplicate delivery is acknowledged and ignored, and a crash before processing loses nothing.
 */
export function createInbox(models: Models, options: { maxAttempts: number } = { maxAttempts: 8 }) {
  const { InboxEvent } = models;
  return {
    /** Stores what is new; returns how many were new and how many were already there. */
    async store(events: IncomingEvent[], now: Date): Promise<{ stored: number; duplicates: number }> {
      if (events.length === 0) return { stored: 0, duplicates: 0 };
      const docs = events.map((e) => ({ ...e, receivedAt: now, nextAttemptAt: now }));
      try {
        const inserted = await InboxEvent.insertMany(docs, { ordered: false, rawResult: true });
        return { stored: inserted.insertedCount, duplicates: events.length - inserted.insertedCount };
      } catch (err) {
        const bulk = err as {
          code?: number;
          insertedDocs?: unknown[];
          writeErrors?: { code?: number; err?: { code?: number } }[];
        };
        const errors = bulk.writeErrors ?? [];
        const allDuplicates =
          errors.length > 0 ? errors.every((w) => (w.code ?? w.err?.code) === 11000) : bulk.code === 11000;
        if (!allDuplicates) throw err;
        return { stored: events.length - errors.length, duplicates: errors.length };
      }
    },

    /** Events due for (another) processing attempt, oldest first. */
    due: (now: Date, limit: number): Promise<InboxEventDocument[]> =>
      InboxEvent.find({ processedAt: null, poisonedAt: null, nextAttemptAt: { $lte: now } })
        .sort({ receivedAt: 1, _id: 1 })
        .limit(limit)
        .lean(),

    markProcessed: (id: InboxEventDocument['_id'], now: Date, outcome: string) =>
      InboxEvent.updateOne({ _id: id }, { $set: { processedAt: now, outcome, lastError: null } }).then(
        () => undefined,
      ),

    /** Records a failure; after `maxAttempts` the event is poisoned and no longer retried. */
    async markFailed(event: InboxEventDocument, now: Date, error: string): Promise<'retry' | 'poisoned'> {
      const attempts = event.attempts + 1;
      const poisoned = attempts >= options.maxAttempts;
      await InboxEvent.updateOne(
        { _id: event._id },
        {
          $set: {
            attempts,
            lastError: error.slice(0, 500),
            nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)),
            ...(poisoned ? { poisonedAt: now } : {}),
          },
        },
      );
      return poisoned ? 'poisoned' : 'retry';
    },

    count: (filter: Record<string, unknown> = {}) => InboxEvent.countDocuments(filter),
  };
}

export type Inbox = ReturnType<typeof createInbox>;
