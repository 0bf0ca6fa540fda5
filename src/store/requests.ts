import { type Connection, type Model, Schema, type SchemaDefinition, Types } from 'mongoose';
import type { AuthorizationState, BadLoginReason } from '../domain/authorization';
import { FINAL_REQUEST_STATUSES, type RequestStatus } from '../domain/reauth-request';
import type { StoreListeners } from './listeners';

export interface ReauthRequestDocument {
  _id: Types.ObjectId;
  /** Derived from the Slack view that sent it: a double submit or Slack retry finds this one. */
  idempotencyKey: string;
  authorizationId: Types.ObjectId;
  recipient: { name: string; email: string };
  utility: string;
  problem: { state: AuthorizationState; reason: BadLoginReason | null };
  note: string | null;
  requestedBy: { teamId: string; userId: string };
  sendAnyway: boolean;
  status: RequestStatus;
  statusAt: Date;
  platformForm: { uid: string; url: string } | null;
  sendgridMessageId: string | null;
  attempts: number;
  nextAttemptAt: Date;
  /** Set while a send is in flight; a crash leaves it set, and the request is then never re-sent blindly. */
  sendingSince: Date | null;
  lastError: { code: string; message: string } | null;
  sentAt: Date | null;
  createdAt: Date;
  /** Set by mongoose on every write: what the worklist re-reads when other processes write too. */
  updatedAt: Date;
}

export type NewReauthRequest = Pick<
  ReauthRequestDocument,
  'idempotencyKey' | 'recipient' | 'utility' | 'problem' | 'note' | 'requestedBy' | 'sendAnyway'
> & { authorizationId: string };

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
  lastError: { type: Schema.Types.Mixed, default: null },
  sentAt: { type: Date, default: null },
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

const OPEN_STATUSES: RequestStatus[] = ['queued', 'sent', 'delivered', 'opened', 'clicked'];

/** The requests model on this connection, registered on first use. */
export const requestModel = (connection: Connection): Model<ReauthRequestDocument> =>
  (connection.models.ReauthRequest ??
    connection.model('ReauthRequest', schema)) as unknown as Model<ReauthRequestDocument>;

export function createRequestStore(connection: Connection, listeners: StoreListeners = {}) {
  const Request = requestModel(connection);

  async function set(id: Types.ObjectId | string, fields: Partial<ReauthRequestDocument>): Promise<void> {
    await Request.updateOne({ _id: id }, { $set: fields });
    if (fields.status && fields.statusAt)
      listeners.requestWritten?.({
        kind: 'status',
        id: String(id),
        status: fields.status,
        statusAt: fields.statusAt,
      });
  }

  return {
    init: async () => {
      await Request.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err;
      });
      await Request.createIndexes();
    },

    /** Creates the request, or returns the one already created with this idempotency key. */
    async create(
      input: NewReauthRequest,
      now: Date,
    ): Promise<{ request: ReauthRequestDocument; created: boolean }> {
      try {
        const created = await Request.create({
          ...input,
          authorizationId: new Types.ObjectId(input.authorizationId),
          status: 'queued',
          statusAt: now,
          nextAttemptAt: now,
          createdAt: now,
        });
        const request = created.toObject() as ReauthRequestDocument;
        listeners.requestWritten?.({
          kind: 'created',
          id: request._id.toHexString(),
          authorizationId: request.authorizationId.toHexString(),
          createdAt: now,
          status: request.status,
          statusAt: now,
        });
        return { request, created: true };
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        const existing = await Request.findOne({ idempotencyKey: input.idempotencyKey }).lean();
        if (!existing) throw err;
        return { request: existing, created: false };
      }
    },

    findById: (id: string) =>
      Types.ObjectId.isValid(id) ? Request.findById(id).lean() : Promise.resolve(null),
    findByMessageId: (messageId: string) => Request.findOne({ sendgridMessageId: messageId }).lean(),

    latestFor: (authorizationId: string) =>
      Request.findOne({ authorizationId: new Types.ObjectId(authorizationId) })
        .sort({ createdAt: -1 })
        .lean(),

    /** The last request actually sent to this customer (for the cooldown). */
    lastSentFor: (authorizationId: string) =>
      Request.findOne({ authorizationId: new Types.ObjectId(authorizationId), sentAt: { $ne: null } })
        .sort({ sentAt: -1 })
        .lean(),

    /** Queued requests due for a send attempt and not already in flight. */
    dueForSending: (now: Date, limit: number) =>
      Request.find({ status: 'queued', nextAttemptAt: { $lte: now }, sendingSince: null })
        .sort({ nextAttemptAt: 1 })
        .limit(limit)
        .lean(),

    /** Requests a crash left "in flight" for longer than any send takes. */
    stuckSending: (olderThan: Date) =>
      Request.find({ status: 'queued', sendingSince: { $lte: olderThan } }).lean(),

    openFor: (authorizationId: Types.ObjectId) =>
      Request.find({ authorizationId, status: { $in: OPEN_STATUSES } }).lean(),

    /** Open requests of any authorization: what `completeResolved` looks through. */
    allOpen: (limit: number) =>
      Request.find({ status: { $in: OPEN_STATUSES } })
        .limit(limit)
        .lean(),

    set,

    countByStatus: (status: RequestStatus) => Request.countDocuments({ status }),

    setStatus: (
      id: Types.ObjectId | string,
      status: RequestStatus,
      now: Date,
      extra: Partial<ReauthRequestDocument> = {},
    ) => set(id, { ...extra, status, statusAt: now }),

    isFinal: (status: RequestStatus) => FINAL_REQUEST_STATUSES.includes(status),
  };
}

export type RequestStore = ReturnType<typeof createRequestStore>;
