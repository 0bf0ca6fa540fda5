import { type Connection, type Model, Schema, type SchemaDefinition, Types } from 'mongoose';
import { ACCESS_REFUSED, type RefusalReason } from '../domain/access';
import { refusalAuditId } from '../domain/record-ids';
import { isDuplicateKey } from './duplicate-key';

/** One refused interaction, as the audit trail keeps it (DESIGN.md, "AuditEvent"; "Who may act"). */
export interface RecordedRefusal {
  workspaceId: string;
  /** `slack:<team>/<user>` (auditActorOf). */
  actor: string;
  reason: RefusalReason;
  /** What was tried, in Slack's ids: `block_actions:ask_reauth`, `command:/reauth`. */
  attempted: string;
  /** When the interaction names one (a button value, a modal's metadata); a forged id is kept as null. */
  authorizationId: string | null;
  requestId: string | null;
  /** Unique per interaction and the same in Slack's retries (see refusalAuditId). */
  interactionKey: string;
  at: Date;
}

export interface RefusalDocument {
  _id: string;
  workspaceId: string;
  authorizationId: Types.ObjectId | null;
  requestId: string | null;
  actor: string;
  action: typeof ACCESS_REFUSED;
  reason: RefusalReason;
  attempted: string;
  at: Date;
  appliedAt: Date;
}

// Untyped definition, explicit interface: see models.ts on mongoose inference and tsc memory.
const definition = {
  _id: { type: String, required: true },
  workspaceId: { type: String, required: true },
  authorizationId: { type: Schema.Types.ObjectId, default: null },
  requestId: { type: String, default: null },
  actor: { type: String, required: true },
  action: { type: String, required: true },
  reason: { type: String, required: true },
  attempted: { type: String, required: true },
  at: { type: Date, required: true },
  appliedAt: { type: Date, required: true },
} as SchemaDefinition;

// The audit trail's own collection, without an index of its own: refusals are written, never queried
// on a hot path. Its `appliedAt` is set at once, so the revision repair (repairUnapplied in
// authorizations.ts, which reads `appliedAt: null`) never mistakes a refusal for an unfinished revision.
const schema = new Schema(definition, { collection: 'audit_events', versionKey: false, autoIndex: false });

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Appends access refusals to the audit trail. */
export function createRefusalStore(connection: Connection) {
  const Refusals = (connection.models.AccessRefusal ??
    connection.model('AccessRefusal', schema)) as unknown as Model<RefusalDocument>;

  return {
    /** Records one refusal; Slack's retry of the same interaction records nothing more. */
    async record(refusal: RecordedRefusal): Promise<void> {
      const { interactionKey, authorizationId, ...fields } = refusal;
      const doc: RefusalDocument = {
        ...fields,
        _id: refusalAuditId(refusal.actor, interactionKey),
        authorizationId:
          authorizationId && OBJECT_ID.test(authorizationId) ? new Types.ObjectId(authorizationId) : null,
        action: ACCESS_REFUSED,
        appliedAt: refusal.at,
      };
      await Refusals.create(doc).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
    },
  };
}

export type RefusalStore = ReturnType<typeof createRefusalStore>;
