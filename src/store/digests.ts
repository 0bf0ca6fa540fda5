import { type Connection, type Model, Schema, type SchemaDefinition } from 'mongoose';
import type { BadLoginReason, CustomerMustActState } from '../domain/authorization';
import { isDuplicateKey } from './duplicate-key';
import type { Models } from './models';

/** One incident counted in a digest: the outbox entry that opened it, and the problem it opened with. */
export interface DigestMember {
  /** The `incident.opened` outbox entry (unique per incident). */
  entryId: string;
  authorizationId: string;
  state: CustomerMustActState;
  reason: BadLoginReason | null;
}

/**
 * One digest message: many incidents of one channel shown as one message, updated in place. `_id` is
 * `digest:<first member's outbox entry>`, so two publishers opening a digest for the same backlog meet
 * on one key. Few exist (one per storm or first sync), so this collection stays small.
 */
export interface DigestDocument {
  _id: string;
  workspaceId: string;
  channel: string;
  kind: 'storm' | 'first_sync';
  members: DigestMember[];
  /** Authorization ids whose incident in this digest has been resolved. */
  resolved: string[];
  openedAt: Date;
  lastJoinAt: Date;
  /** Set once the backlog is small again: new incidents get their own notices. */
  closedAt: Date | null;
  /** True when the message in Slack no longer shows the latest members or resolutions. */
  stale: boolean;
  renderedAt: Date | null;
}

const definition = (fields: Record<string, unknown>) => fields as SchemaDefinition;

const digestSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    channel: { type: String, required: true },
    kind: { type: String, enum: ['storm', 'first_sync'], required: true },
    members: { type: [Schema.Types.Mixed], default: [] },
    resolved: { type: [String], default: [] },
    openedAt: { type: Date, required: true },
    lastJoinAt: { type: Date, required: true },
    closedAt: { type: Date, default: null },
    stale: { type: Boolean, default: true },
    renderedAt: { type: Date, default: null },
  }),
  { collection: 'digests', versionKey: false },
);
digestSchema.index({ workspaceId: 1, channel: 1, closedAt: 1 });

/** Digests: the messages that stand for many incidents of a channel at once. */
export function createDigestStore(
  connection: Connection,
  { OutboxEffect, Authorization }: Pick<Models, 'OutboxEffect' | 'Authorization'>,
) {
  const model = (name: string, schema: Schema): unknown =>
    connection.models[name] ?? connection.model(name, schema);
  const Digest = model('Digest', digestSchema) as Model<DigestDocument>;

  return {
    async ensureIndexes(): Promise<void> {
      await (Digest as unknown as { createCollection(): Promise<unknown> })
        .createCollection()
        .catch((err: { code?: number }) => {
          if (err.code !== 48) throw err; // 48: NamespaceExists
        });
      await Digest.createIndexes();
    },

    /** The channel's digest still taking new incidents, if any. */
    openFor: (workspaceId: string, channel: string): Promise<DigestDocument | null> =>
      Digest.findOne({ workspaceId, channel, closedAt: null }).sort({ openedAt: -1 }).lean(),

    findById: (id: string): Promise<DigestDocument | null> => Digest.findById(id).lean(),

    /** Opens a digest; false when another publisher opened this one first. */
    async open(d: Pick<DigestDocument, '_id' | 'workspaceId' | 'channel' | 'kind'>, now: Date) {
      try {
        await Digest.create({ ...d, members: [], resolved: [], openedAt: now, lastJoinAt: now });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    /** Adds incidents (a member already there is not added again). */
    join: (id: string, members: DigestMember[], now: Date) =>
      Digest.updateOne(
        { _id: id },
        { $addToSet: { members: { $each: members } }, $set: { lastJoinAt: now, stale: true } },
      ).then(() => undefined),

    resolve: (id: string, authorizationId: string) =>
      Digest.updateOne({ _id: id }, { $addToSet: { resolved: authorizationId }, $set: { stale: true } }).then(
        () => undefined,
      ),

    close: (id: string, now: Date) =>
      Digest.updateOne({ _id: id }, { $set: { closedAt: now } }).then(() => undefined),

    /** Digests whose message no longer shows their latest state. */
    stale: (): Promise<DigestDocument[]> => Digest.find({ stale: true }).lean(),

    /** The message was drawn from `drawn`; a change since then leaves it stale for the next update. */
    async rendered(drawn: DigestDocument, now: Date): Promise<void> {
      const current = await Digest.findById(drawn._id).lean();
      const changed =
        !current ||
        current.members.length !== drawn.members.length ||
        current.resolved.length !== drawn.resolved.length;
      await Digest.updateOne({ _id: drawn._id }, { $set: { renderedAt: now, stale: changed } });
    },

    /**
     * The workspace of each authorization (hex id → workspace id). A few are read by `_id` each; many
     * in one read, which on FerretDB scans the collection once instead of once per lookup.
     */
    async workspacesOf(authorizationIds: string[], oneByOneUpTo: number): Promise<Map<string, string>> {
      const found =
        authorizationIds.length <= oneByOneUpTo
          ? (
              await Promise.all(
                authorizationIds.map((id) => Authorization.findById(id, { workspaceId: 1 }).lean()),
              )
            ).flatMap((a) => (a ? [a] : []))
          : await Authorization.find({ _id: { $in: authorizationIds } }, { workspaceId: 1 }).lean();
      return new Map(found.map((a) => [a._id.toHexString(), a.workspaceId]));
    },

    /**
     * Marks the outbox entries of incidents that joined a digest as published, in one write: per-entry
     * updates would each read the whole outbox on FerretDB (only bare `_id` filters use its index).
     */
    markJoined: (entryIds: string[], now: Date) =>
      entryIds.length === 0
        ? Promise.resolve()
        : OutboxEffect.updateMany(
            { _id: { $in: entryIds }, publishedAt: null },
            { $set: { publishedAt: now } },
          ).then(() => undefined),
  };
}

export type DigestStore = ReturnType<typeof createDigestStore>;
