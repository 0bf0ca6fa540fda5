import { Schema, type Types } from 'mongoose';
import { definition } from './models';

/** The inbox's documents and collections; the operations on them are in inbox.ts. */

export interface IncomingEvent {
  /** The workspace whose account sent it; null for relink's own SendGrid events (they name their request). */
  workspaceId: string | null;
  source: string;
  eventId: string;
  type: string;
  payload: unknown;
}

/** An event waiting to be processed (or retried). */
export interface InboxEventDocument {
  _id: Types.ObjectId;
  /** Null on events stored before workspaces, which belong to the single workspace. */
  workspaceId: string | null;
  source: string;
  eventId: string;
  type: string;
  payload: unknown;
  receivedAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  /** Gave up after too many attempts; kept for a person to look at, never blocks others. */
  poisonedAt: Date | null;
  /** The delivery it was read from (see `finish`); absent on an event waiting for a retry. */
  deliveryId?: Types.ObjectId;
}

export interface ArchivedEvent extends IncomingEvent {
  _id: Types.ObjectId;
  receivedAt: Date;
}

export interface Outcome {
  _id: Types.ObjectId;
  outcome: string;
  processedAt: Date;
}

/*
 * Four collections, because on FerretDB 1.24 an update costs ~6 ms per document, a filtered read or
 * delete decodes the whole collection, and only batched inserts and a `find({})` with a limit are
 * cheap: `inbox` keeps every event once (unique on source + eventId, never updated);
 * `inbox_deliveries` holds what is still to do, one document per stored delivery (read with a bare
 * limit in insertion order, deleted by `_id` once done, so a backlog of 50,000 events costs the
 * processor no scan; a store writes its delivery before the archive, so a store cut short leaves
 * nothing unqueued); `inbox_queue` holds only events that failed and wait for a retry or a person
 * (few, so its filtered read stays cheap); `inbox_outcomes` records what became of each event.
 */
const eventFields = {
  workspaceId: { type: String, default: null },
  source: { type: String, required: true },
  eventId: { type: String, required: true },
  type: { type: String, required: true },
  payload: { type: Schema.Types.Mixed, required: true },
  receivedAt: { type: Date, required: true },
};

export const archiveSchema = new Schema(definition(eventFields), { collection: 'inbox', versionKey: false });
// Per workspace: one platform account's event id says nothing about another's.
archiveSchema.index({ workspaceId: 1, source: 1, eventId: 1 }, { unique: true });

export const queueSchema = new Schema(
  definition({
    ...eventFields,
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    lastError: { type: String, default: null },
    poisonedAt: { type: Date, default: null },
  }),
  { collection: 'inbox_queue', versionKey: false },
);
queueSchema.index({ poisonedAt: 1, nextAttemptAt: 1 });

export const deliverySchema = new Schema(
  definition({
    events: { type: [Schema.Types.Mixed], required: true },
    count: { type: Number, required: true },
  }),
  { collection: 'inbox_deliveries', versionKey: false },
);

export type Delivery = { _id: Types.ObjectId; events: ArchivedEvent[]; count: number };

export const outcomeSchema = new Schema(
  definition({ outcome: { type: String, required: true }, processedAt: { type: Date, required: true } }),
  { collection: 'inbox_outcomes', versionKey: false },
);

/**
 * Left by stores of earlier versions, which archived before they queued (a store now queues its
 * delivery first, so it leaves nothing to find): a delivery being stored. A mark left behind is a store that was cut short (a crash, the database gone mid-request) and may
 * have left archived events unqueued. Reading these few marks is how orphans are found without
 * scanning the archive, which on FerretDB would read every event of the last 30 days.
 */
export const storeMarkSchema = new Schema(
  definition({ ids: { type: [Schema.Types.ObjectId], required: true } }),
  {
    collection: 'inbox_store_marks',
    versionKey: false,
  },
);

export type StoreMark = { _id: Types.ObjectId; ids: Types.ObjectId[] };

/** Backoff for a failed event: 5 s, 10 s, 20 s … capped at 10 minutes. */
export const retryDelayMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 600_000);

/** An event's unique key in the archive (workspace, source, event id). */
export const eventKey = (e: IncomingEvent) => `${e.workspaceId ?? ''}\u0000${e.source}\u0000${e.eventId}`;
