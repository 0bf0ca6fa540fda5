import { type Connection, type Model, Schema, type SchemaDefinition, Types } from 'mongoose';
import { isUnconfirmedFailure, type RequestEffect, type RequestStatus } from '../domain/reauth-request';
import { OutboxId } from '../domain/record-ids';
import { isDuplicateKey } from './duplicate-key';
import type { StoreListeners } from './listeners';
import type { Outbox } from './outbox';
import { createReminderQueue } from './reminder-queue';
import type { ReauthRequestDocument } from './request-document';
import { createRequestHeads, type RequestSummary } from './request-heads';
import { createSendQueue } from './send-queue';

export type { ReauthRequestDocument } from './request-document';

export type NewReauthRequest = Pick<
  ReauthRequestDocument,
  'idempotencyKey' | 'recipient' | 'utility' | 'problem' | 'note' | 'requestedBy' | 'sendAnyway'
> & { authorizationId: string };

/** Fields written beside a status; a status itself only changes through `advance`. */
export type RequestFields = Omit<Partial<ReauthRequestDocument>, 'status' | 'statusAt'>;

/**
 * The request a change is about: its outbox entry needs whose it is and which send attempt it ends;
 * who asked, when given, goes to the listeners with a sent email (the cooldown names them).
 */
export type RequestRef = Pick<ReauthRequestDocument, '_id' | 'authorizationId' | 'attempts'> &
  Partial<Pick<ReauthRequestDocument, 'requestedBy'>>;

// Untyped definition, explicit interface: see models.ts on mongoose inference and tsc memory.
const definition = {
  idempotencyKey: { type: String, required: true },
  authorizationId: { type: Schema.Types.ObjectId, required: true },
  recipient: { name: { type: String, required: true }, email: { type: String, required: true } },
  utility: { type: String, required: true },
  problem: { state: { type: String, required: true }, reason: { type: String, default: null } },
  note: { type: String, default: null },
  requestedBy: { teamId: { type: String, required: true }, userId: { type: String, required: true } },
  sendAnyway: { type: Boolean, default: false },
  status: { type: String, required: true },
  statusAt: { type: Date, required: true },
  platformForm: { type: Schema.Types.Mixed, default: null },
  sendgridMessageId: { type: String, default: null },
  attempts: { type: Number, default: 0 },
  nextAttemptAt: { type: Date, required: true },
  sendingSince: { type: Date, default: null },
  confirmBy: { type: Date, default: null },
  lastError: { type: Schema.Types.Mixed, default: null },
  sentAt: { type: Date, default: null },
  remindersSent: { type: Number, default: 0 },
  remindersStoppedBy: { type: String, default: null },
  remindersStoppedAt: { type: Date, default: null },
  createdAt: { type: Date, required: true },
} as SchemaDefinition;

const schema = new Schema(definition, {
  collection: 'reauth_requests',
  versionKey: false,
  timestamps: { createdAt: false, updatedAt: true },
});
schema.index({ idempotencyKey: 1 }, { unique: true });
schema.index({ authorizationId: 1, createdAt: -1 });
schema.index({ status: 1, nextAttemptAt: 1 });
schema.index({ sendgridMessageId: 1 });
schema.index({ updatedAt: 1 });

/** The requests model on this connection, registered on first use. */
export const requestModel = (connection: Connection): Model<ReauthRequestDocument> =>
  (connection.models.ReauthRequest ??
    connection.model('ReauthRequest', schema)) as unknown as Model<ReauthRequestDocument>;

/** Reauth requests; a request's status and the outbox entry that reports it are written together here. */
export function createRequestStore(connection: Connection, outbox: Outbox, listeners: StoreListeners = {}) {
  const Request = requestModel(connection);
  // Requests waiting for their customer, for the reminder job: started here, where a request is sent.
  const reminderQueue = createReminderQueue(connection);
  // Each authorization's newest and last sent request, read by `_id` (request-heads.ts).
  const heads = createRequestHeads(connection, () =>
    Request.find({}, { authorizationId: 1, createdAt: 1, sentAt: 1 }).lean<RequestSummary[]>().cursor(),
  );
  const byId = (id: Types.ObjectId | null | undefined) =>
    id ? Request.findById(id).lean<ReauthRequestDocument>().exec() : Promise.resolve(null);
  // The queued requests, for the sender (send-queue.ts): kept in step here, where statuses change.
  const sendQueue = createSendQueue(connection, Request);

  /** Returns false when the entry was already there (a repeated step); `announce` tells the listeners. */
  const recordEffect = async (
    request: RequestRef,
    effect: RequestEffect,
    now: Date,
    announce = true,
  ): Promise<boolean> => {
    const recorded = await outbox.record({
      id: OutboxId.requestEffect(effect, request.attempts),
      authorizationId: request.authorizationId,
      effect,
      createdAt: now,
    });
    if (recorded && announce) listeners.effectsRecorded?.([effect.type]);
    return recorded;
  };

  return {
    init: async () => {
      await Request.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err;
      });
      await Request.createIndexes();
      await reminderQueue.init();
      await heads.init();
      await sendQueue.init();
    },

    /**
     * Creates the request, or returns the one already created with this idempotency key. `replaced` is
     * the authorization's newest request before this one (the caller supersedes it if still open).
     */
    async create(
      input: NewReauthRequest,
      now: Date,
    ): Promise<{ request: ReauthRequestDocument; created: boolean; replaced: ReauthRequestDocument | null }> {
      const head = await heads.of(input.authorizationId);
      // Its send queue entry first: a stop in between leaves an entry without a request, never the reverse.
      const _id = new Types.ObjectId();
      await sendQueue.ensure({ _id, status: 'queued', nextAttemptAt: now, sendingSince: null });
      try {
        const created = await Request.create({
          _id,
          ...input,
          authorizationId: new Types.ObjectId(input.authorizationId),
          status: 'queued',
          statusAt: now,
          nextAttemptAt: now,
          createdAt: now,
        });
        const request = created.toObject() as ReauthRequestDocument;
        await heads.created(input.authorizationId, request._id, now);
        listeners.requestWritten?.({
          kind: 'created',
          id: request._id.toHexString(),
          authorizationId: request.authorizationId.toHexString(),
          createdAt: now,
          status: request.status,
          statusAt: now,
          sentTo: request.recipient.email,
          requestedBy: request.requestedBy.userId,
        });
        return { request, created: true, replaced: await byId(head?.latestId) };
      } catch (err) {
        await sendQueue.drop(_id);
        if (!isDuplicateKey(err)) throw err;
        const existing = await Request.findOne({ idempotencyKey: input.idempotencyKey }).lean();
        if (!existing) throw err;
        if (existing.status === 'queued') await sendQueue.ensure(existing);
        // A stop between the insert and the head: the repeat finishes it.
        if (!head || head.latestAt < existing.createdAt)
          await heads.created(input.authorizationId, existing._id, existing.createdAt);
        return { request: existing, created: false, replaced: null };
      }
    },

    findById: (id: string) =>
      Types.ObjectId.isValid(id) ? Request.findById(id).lean() : Promise.resolve(null),
    findByMessageId: (messageId: string) => Request.findOne({ sendgridMessageId: messageId }).lean(),

    /** The authorization's newest request: the only one that can still be open. */
    latestFor: async (authorizationId: string) => byId((await heads.of(authorizationId))?.latestId),

    /** The last request actually sent to this customer (for the cooldown). */
    lastSentFor: async (authorizationId: string) => byId((await heads.of(authorizationId))?.lastSentId),

    /** Queued requests due for a send attempt and not already in flight. */
    dueForSending: (now: Date, limit: number) => sendQueue.due(now, limit),

    /** Queued requests with an attempt in flight: being sent, waiting for SendGrid's event, or left by a crash. */
    inFlight: (limit: number) => sendQueue.inFlight(limit),

    set: async (id: Types.ObjectId | string, fields: RequestFields): Promise<void> => {
      await Request.updateOne({ _id: id }, { $set: fields });
      await sendQueue.mirror(id, fields);
    },

    /**
     * Moves a request to `status` (with `extra` fields) and records `effect`, if any, for its notice.
     * The entry goes first. A step is repeated until the status shows it done (a delivery report is
     * re-processed, a send left in flight is swept up), and the entry's id makes the repeat's record a
     * no-op; status first, a crash in between would lose the entry for good, as the repeat finds the
     * status moved and stops. The cost: a notice drawn in between shows the previous status until it is
     * next redrawn. Authorization revisions use the same order (authorizations.ts).
     */
    async advance(
      request: RequestRef,
      status: RequestStatus,
      effect: RequestEffect | null,
      now: Date,
      extra: RequestFields = {},
    ): Promise<void> {
      // Announced once the status is written too, so a notice drawn at once shows it.
      const recorded = effect ? await recordEffect(request, effect, now, false) : false;
      // Before the status, like the entry: a repeat of the step finds the series already started.
      if (effect?.type === 'request.sent') {
        await reminderQueue.start(request.authorizationId.toHexString(), request._id.toHexString(), now);
      }
      // The cooldown counts from the last email that went out.
      if (extra.sentAt) await heads.sent(request.authorizationId.toHexString(), request._id, now);
      // Listeners hear of the status as soon as it is written, before the queue entry is tidied.
      await sendQueue.statusChange(request._id, status, extra, now, async () => {
        await Request.updateOne({ _id: request._id }, { $set: { ...extra, status, statusAt: now } });
        const id = request._id.toHexString();
        listeners.requestWritten?.({ kind: 'status', id, status, statusAt: now });
        const authorizationId = request.authorizationId.toHexString();
        if (extra.sentAt) {
          const requestedBy = request.requestedBy?.userId ?? null;
          const sentAt = extra.sentAt;
          listeners.requestOutcome?.({ kind: 'sent', id, authorizationId, sentAt, status, requestedBy });
        }
        if (status === 'bounced') {
          const reason = extra.lastError?.message || null;
          listeners.requestOutcome?.({ kind: 'bounced', id, authorizationId, reason });
        }
        if (isUnconfirmedFailure(status, extra.lastError?.code))
          listeners.requestOutcome?.({ kind: 'unconfirmed', id, authorizationId });
      });
      if (recorded && effect) listeners.effectsRecorded?.([effect.type]);
    },

    /** Records an effect that moves no status: `request.queued`, whose status `create` wrote. */
    recordEffect,

    /** The requests waiting for their customer, each with its reminder series. */
    reminderQueue,

    countByStatus: (status: RequestStatus) => Request.countDocuments({ status }),
  };
}

export type RequestStore = ReturnType<typeof createRequestStore>;
