import { type Connection, type Model, Schema } from 'mongoose';
import { definition } from './models';

/**
 * One reauth request whose customer has the email and has not relinked yet: the reminder job's whole
 * worklist (issue 12). Keyed by authorization (a newer request replaces an older one's series), and
 * drained as series end (relinked, no response, stopped, superseded), so it stays as small as the
 * number of customers relink is waiting for: the job reads all of it, never the growing requests.
 */
export interface ReminderQueueEntry {
  /** The authorization's id (hex). */
  _id: string;
  requestId: string;
  /** When the last email of the series (the first, or the latest reminder) went out. */
  lastEmailAt: Date;
  /** Reminders sent so far. */
  sent: number;
  /** The send attempt of the next reminder (a failure that certainly sent nothing tries again). */
  attempt: number;
  /** After such a failure, the next try waits until then. */
  retryAt: Date | null;
}

const schema = new Schema(
  definition({
    _id: { type: String, required: true },
    requestId: { type: String, required: true },
    lastEmailAt: { type: Date, required: true },
    sent: { type: Number, default: 0 },
    attempt: { type: Number, default: 1 },
    retryAt: { type: Date, default: null },
  }),
  { collection: 'reminder_queue', versionKey: false },
);

const model = (connection: Connection): Model<ReminderQueueEntry> =>
  (connection.models.ReminderQueueEntry ??
    connection.model('ReminderQueueEntry', schema)) as unknown as Model<ReminderQueueEntry>;

// Filters below may name `requestId` beside `_id`: the queue is small, so even a full read is cheap.
export function createReminderQueue(connection: Connection) {
  const Entry = model(connection);
  return {
    init: async () => {
      await Entry.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err; // 48: NamespaceExists
      });
    },

    /**
     * Starts the series of a request whose first email went out at `sentAt`. A repeat of the same
     * request's step (a delivery report confirming a send) keeps the series where it is.
     */
    async start(authorizationId: string, requestId: string, sentAt: Date): Promise<void> {
      const existing = await Entry.findById(authorizationId).lean();
      if (existing?.requestId === requestId) return;
      await Entry.replaceOne(
        { _id: authorizationId },
        { _id: authorizationId, requestId, lastEmailAt: sentAt, sent: 0, attempt: 1, retryAt: null },
        { upsert: true },
      );
    },

    /** Every series, oldest email first. */
    all: (limit: number) => Entry.find({}).sort({ lastEmailAt: 1 }).limit(limit).lean(),

    get: (authorizationId: string) => Entry.findById(authorizationId).lean(),

    /** The series of these authorizations (a Home page: at most 20). */
    forAuthorizations: (authorizationIds: readonly string[]) =>
      authorizationIds.length === 0
        ? Promise.resolve([])
        : Entry.find({ _id: { $in: [...authorizationIds] } }).lean(),

    /** Reminder `sent` went out at `at`: the next one counts from it. */
    async recordReminder(entry: ReminderQueueEntry, sent: number, at: Date): Promise<void> {
      await Entry.updateOne(
        { _id: entry._id, requestId: entry.requestId },
        { $set: { sent, lastEmailAt: at, attempt: 1, retryAt: null } },
      );
    },

    /** The try certainly sent nothing: the next one is attempt `attempt`, at `retryAt`. */
    async retryLater(entry: ReminderQueueEntry, attempt: number, retryAt: Date): Promise<void> {
      await Entry.updateOne({ _id: entry._id, requestId: entry.requestId }, { $set: { attempt, retryAt } });
    },

    /** Ends the request's series (never a newer request's). */
    async remove(authorizationId: string, requestId: string): Promise<void> {
      await Entry.deleteOne({ _id: authorizationId, requestId });
    },

    count: () => Entry.estimatedDocumentCount(),
  };
}

export type ReminderQueue = ReturnType<typeof createReminderQueue>;
