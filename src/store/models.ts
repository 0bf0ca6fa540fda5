import { type Connection, type Model, Schema, type SchemaDefinition, type Types } from 'mongoose';
import {
  AUTHORIZATION_SOURCES,
  AUTHORIZATION_STATES,
  type AuthorizationSource,
  type AuthorizationStatus,
  BAD_LOGIN_REASONS,
  type Effect,
  type PlatformKey,
} from '../domain/authorization';
import type { CustomerFields } from '../domain/customer';
import type { OutboxEffect } from '../domain/reauth-request';
import type { Triage } from '../domain/triage';

// Document shapes are written out rather than inferred from the schemas: mongoose's inference is
// slow enough to exhaust the type checker's memory on these.
/** The state machine's status (`AuthorizationStatus`) plus who, which utility, and bookkeeping. */
export interface AuthorizationDocument extends AuthorizationStatus {
  _id: Types.ObjectId;
  /** The workspace it belongs to (src/domain/workspace.ts); nothing reads across workspaces. */
  workspaceId: string;
  source: AuthorizationSource;
  externalId: string;
  customer: { name: string | null; email: string | null; editedInRelink: boolean };
  utility: string;
  incidentSince: Date | null;
  /** The current incident's triage (src/domain/triage.ts); absent on authorizations never triaged. */
  triage?: Triage | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Schema definitions are handed to mongoose untyped: its inference over these definitions exhausts
 * the type checker's memory. The document interfaces above are the types code uses instead.
 */
export const definition = (fields: Record<string, unknown>) => fields as SchemaDefinition;

const authorizationSchema = new Schema(
  definition({
    workspaceId: { type: String, required: true },
    source: { type: String, enum: AUTHORIZATION_SOURCES, required: true },
    externalId: { type: String, required: true },
    customer: {
      name: { type: String, default: null },
      email: { type: String, default: null },
      /** Someone corrected the customer in Slack: the platform's name and email no longer replace theirs. */
      editedInRelink: { type: Boolean, default: false },
    },
    utility: { type: String, default: '' },
    state: { type: String, enum: AUTHORIZATION_STATES, required: true },
    reason: { type: String, enum: [...BAD_LOGIN_REASONS, null], default: null },
    expiresAt: { type: Date, default: null },
    declinedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    lastEventAt: { type: Date, default: null },
    incidentOpen: { type: Boolean, default: false },
    /** When the current incident's problem began (the effect's `since`): "since" in notices and lists. */
    incidentSince: { type: Date, default: null },
    warnedDays: { type: [Number], default: [] },
    /** Who is on the current incident, a snooze, a dismissal (src/domain/triage.ts). */
    triage: { type: Schema.Types.Mixed, default: null },
    /** The number of the last revision (audit event) applied; see authorizations.ts. */
    version: { type: Number, default: 0 },
  }),
  { timestamps: true, collection: 'authorizations' },
);
authorizationSchema.index({ workspaceId: 1, source: 1, externalId: 1 }, { unique: true });
// expire-due and warn-expiring read only what is due: a range on expiresAt.
authorizationSchema.index({ expiresAt: 1 });
// The worklist re-reads what other relink processes wrote since its last look.
authorizationSchema.index({ updatedAt: 1 });

/**
 * One per state change, append-only. Its `_id` is `<authorizationId>:<version>`, so inserting it is
 * how a writer claims the next version: FerretDB has no atomic compare-and-set, a unique insert is.
 * It carries the full resulting status and effects so a crash before they are applied is repaired.
 */
const auditEventSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    authorizationId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    from: { type: String, default: null },
    to: { type: String, default: null },
    sourceEventId: { type: String, default: null },
    at: { type: Date, required: true },
    next: { type: Schema.Types.Mixed, required: true },
    customer: { type: Schema.Types.Mixed, default: null },
    /** The triage after this revision, when it changed (src/domain/triage.ts). */
    triage: { type: Schema.Types.Mixed, default: null },
    effects: { type: Array, default: [] },
    /** Set once the authorization and the outbox reflect this revision. */
    appliedAt: { type: Date, default: null },
  }),
  { collection: 'audit_events', versionKey: false },
);
auditEventSchema.index({ authorizationId: 1, version: 1 });
auditEventSchema.index({ appliedAt: 1, at: 1 });

/**
 * `<workspaceId>:<source>:<externalId>` → authorization id. FerretDB 1.24 uses an index only for a filter that is
 * exactly `{ _id }`, so finding an authorization by its platform key goes through this collection
 * (one indexed read on FerretDB and MongoDB alike); its insert is also what claims a new key.
 */
const authorizationKeySchema = new Schema(
  definition({
    _id: { type: String, required: true },
    authorizationId: { type: Schema.Types.ObjectId, required: true },
  }),
  { collection: 'authorization_keys', versionKey: false },
);

export interface AuthorizationKeyDocument {
  _id: string;
  authorizationId: Types.ObjectId;
}

/**
 * Effects waiting to be published (Slack notices); `_id` is `<authorizationId>:<version>:<n>`. Publishing
 * deletes the entry (outbox-keys.ts); `publishedAt` is set only by installs from before that.
 */
const outboxEffectSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    authorizationId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    effect: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    publishedAt: { type: Date, default: null },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    /** Dead letters (see outbox.ts): Slack refused it for good this many times, it waits until retryAt. */
    refusals: { type: Number, default: 0 },
    retryAt: { type: Date, default: null },
    /** Refused too often: left for a person, and no longer holding newer notices back. */
    parkedAt: { type: Date, default: null },
  }),
  { collection: 'outbox', versionKey: false },
);
outboxEffectSchema.index({ publishedAt: 1, createdAt: 1 });

/** Every outbox id recorded (outbox-keys.ts), insert only; retention prunes it by `createdAt`. */
const outboxKeySchema = new Schema(
  definition({
    _id: { type: String, required: true },
    createdAt: { type: Date, required: true },
  }),
  { collection: 'outbox_keys', versionKey: false },
);
outboxKeySchema.index({ createdAt: 1 });

export interface OutboxKeyDocument {
  _id: string;
  createdAt: Date;
}

/**
 * A revision a batch is applying (authorization-batch.ts): written before its audit event, deleted
 * once the outbox and the authorization reflect it, so it stays a small collection that repair reads
 * instead of scanning the audit trail. `create` names the key of an authorization the revision creates.
 */
const revisionMarkerSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    create: { type: Schema.Types.Mixed, default: null },
    batch: { type: String, default: null },
  }),
  { collection: 'revision_markers', versionKey: false },
);
export interface RevisionMarkerDocument {
  _id: string;
  at: Date;
  create: PlatformKey | null;
  batch?: string | null; // the batch that wrote it deletes its markers by this value; none for single writes
}

export interface AuditEventDocument {
  _id: string;
  authorizationId: Types.ObjectId;
  version: number;
  actor: string;
  action: string;
  from: string | null;
  to: string | null;
  sourceEventId: string | null;
  at: Date;
  next: AuthorizationStatus;
  customer: CustomerFields | null;
  /** The triage after this revision; null (or absent) when the revision left it as it was. */
  triage?: Triage | null;
  effects: Effect[];
  appliedAt: Date | null;
}
export interface OutboxEffectDocument {
  _id: string;
  authorizationId: Types.ObjectId;
  version: number;
  effect: OutboxEffect;
  createdAt: Date;
  publishedAt: Date | null;
  attempts: number;
  lastError: string | null;
  refusals: number;
  retryAt: Date | null;
  parkedAt: Date | null;
}

export interface Models {
  Authorization: Model<AuthorizationDocument>;
  AuthorizationKey: Model<AuthorizationKeyDocument>;
  AuditEvent: Model<AuditEventDocument>;
  OutboxEffect: Model<OutboxEffectDocument>;
  OutboxKey: Model<OutboxKeyDocument>;
  RevisionMarker: Model<RevisionMarkerDocument>;
}

/** Registers relink's models on one connection (never mongoose's global one). */
export function createModels(connection: Connection): Models {
  // Cast through unknown: letting mongoose infer model types from these schemas is what tsc cannot afford.
  const model = (name: string, schema: Schema): unknown =>
    connection.models[name] ?? connection.model(name, schema);
  return {
    Authorization: model('Authorization', authorizationSchema) as Model<AuthorizationDocument>,
    AuthorizationKey: model('AuthorizationKey', authorizationKeySchema) as Model<AuthorizationKeyDocument>,
    AuditEvent: model('AuditEvent', auditEventSchema) as Model<AuditEventDocument>,
    OutboxEffect: model('OutboxEffect', outboxEffectSchema) as Model<OutboxEffectDocument>,
    OutboxKey: model('OutboxKey', outboxKeySchema) as Model<OutboxKeyDocument>,
    RevisionMarker: model('RevisionMarker', revisionMarkerSchema) as Model<RevisionMarkerDocument>,
  };
}

/** Creates every index; called once at startup so a missing index fails loudly, not slowly. */
export async function ensureIndexes(models: Models): Promise<void> {
  // A narrow view of each model: calling through the union of four Model types is too much for tsc.
  const all = Object.values(models) as unknown as {
    createCollection(): Promise<unknown>;
    createIndexes(): Promise<unknown>;
  }[];
  for (const model of all) {
    await model.createCollection().catch((err: { code?: number }) => {
      if (err.code !== 48) throw err; // 48: NamespaceExists
    });
    await model.createIndexes();
  }
}
