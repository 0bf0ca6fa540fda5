import { createHash } from 'node:crypto';
import { type Connection, type Model, Schema, type SchemaDefinition } from 'mongoose';
import type { BadLoginReason, CustomerMustActState } from '../domain/authorization';
import { readByIds } from './by-ids';
import { createDigestPlaces } from './digest-places';
import { isDuplicateKey } from './duplicate-key';
import type { AuthorizationDocument, Models } from './models';
import { drainPublished } from './outbox-keys';

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
 *
 * Its members live in chunk documents (one per join), not in this document: on FerretDB every update
 * rewrites and every read decodes the whole document, and a 5,000-member array made each join cost
 * seconds. This document only lists its chunks' ids, oldest first.
 */
export interface DigestDocument {
  _id: string;
  workspaceId: string;
  channel: string;
  kind: 'storm' | 'first_sync';
  /** The `_id`s of its member chunks, oldest first (see {@link DigestChunk}). */
  chunks: string[];
  /** Authorization ids whose incident in this digest has been resolved. */
  resolved: string[];
  /** Authorization ids whose customer was asked to reauthorize while counted here (lanes: no notice each). */
  asked?: string[];
  openedAt: Date;
  lastJoinAt: Date;
  /** Set once the backlog is small again: new incidents get their own notices. */
  closedAt: Date | null;
  /** True when the message in Slack no longer shows the latest members or resolutions. */
  stale: boolean;
  renderedAt: Date | null;
}

/**
 * The incidents one join added. `_id` is a hash of its entries, so two publishers joining the same
 * entries write one chunk; two joining overlapping sets write two, and reading dedupes by entry.
 */
interface DigestChunk {
  _id: string;
  digestId: string;
  members: DigestMember[];
}

const definition = (fields: Record<string, unknown>) => fields as SchemaDefinition;

const digestSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    channel: { type: String, required: true },
    kind: { type: String, enum: ['storm', 'first_sync'], required: true },
    chunks: { type: [String], default: [] },
    resolved: { type: [String], default: [] },
    asked: { type: [String], default: [] },
    openedAt: { type: Date, required: true },
    lastJoinAt: { type: Date, required: true },
    closedAt: { type: Date, default: null },
    stale: { type: Boolean, default: true },
    renderedAt: { type: Date, default: null },
  }),
  { collection: 'digests', versionKey: false },
);
digestSchema.index({ workspaceId: 1, channel: 1, closedAt: 1 });

const chunkSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    digestId: { type: String, required: true },
    members: { type: [Schema.Types.Mixed], default: [] },
  }),
  { collection: 'digest_members', versionKey: false },
);

const chunkId = (digestId: string, members: readonly DigestMember[]): string =>
  `${digestId}#${createHash('sha256')
    .update(members.map((m) => m.entryId).join('\n'))
    .digest('base64url')}`;

/** Digests: the messages that stand for many incidents of a channel at once. */
export function createDigestStore(
  connection: Connection,
  { OutboxEffect, OutboxKey, Authorization }: Pick<Models, 'OutboxEffect' | 'OutboxKey' | 'Authorization'>,
) {
  const model = (name: string, schema: Schema): unknown =>
    connection.models[name] ?? connection.model(name, schema);
  const Digest = model('Digest', digestSchema) as Model<DigestDocument>;
  const Chunk = model('DigestChunk', chunkSchema) as Model<DigestChunk>;

  const places = createDigestPlaces(connection);

  return {
    ...places,
    async ensureIndexes(): Promise<void> {
      await places.ensureIndexes();
      for (const m of [Digest, Chunk] as unknown as {
        createCollection(): Promise<unknown>;
        createIndexes(): Promise<unknown>;
      }[]) {
        await m.createCollection().catch((err: { code?: number }) => {
          if (err.code !== 48) throw err; // 48: NamespaceExists
        });
        await m.createIndexes();
      }
    },

    /** The channel's digest still taking new incidents, if any. */
    openFor: (workspaceId: string, channel: string): Promise<DigestDocument | null> =>
      Digest.findOne({ workspaceId, channel, closedAt: null }).sort({ openedAt: -1 }).lean(),

    findById: (id: string): Promise<DigestDocument | null> => Digest.findById(id).lean(),

    /** Opens a digest; false when another publisher opened this one first. */
    async open(d: Pick<DigestDocument, '_id' | 'workspaceId' | 'channel' | 'kind'>, now: Date) {
      try {
        await Digest.create({ ...d, chunks: [], resolved: [], openedAt: now, lastJoinAt: now });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    /**
     * Adds incidents as one chunk, then lists it on the digest; repeating it (a replay, or another
     * publisher with the same entries) adds nothing, and a member in two chunks is counted once.
     */
    async join(id: string, members: DigestMember[], now: Date): Promise<void> {
      if (members.length === 0) return;
      const chunk = chunkId(id, members);
      await Chunk.create({ _id: chunk, digestId: id, members }).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
      await Digest.updateOne(
        { _id: id },
        { $addToSet: { chunks: chunk }, $set: { lastJoinAt: now, stale: true } },
      );
    },

    /** The digest's incidents, oldest first, each once (chunks are read by `_id`). */
    async members(d: Pick<DigestDocument, 'chunks'>): Promise<DigestMember[]> {
      const chunks = await Promise.all(d.chunks.map((c) => Chunk.findById(c).lean()));
      const seen = new Set<string>();
      const members: DigestMember[] = [];
      for (const m of chunks.flatMap((c) => c?.members ?? [])) {
        if (seen.has(m.entryId)) continue;
        seen.add(m.entryId);
        members.push(m);
      }
      return members;
    },

    resolve: (id: string, authorizationId: string) =>
      Digest.updateOne({ _id: id }, { $addToSet: { resolved: authorizationId }, $set: { stale: true } }).then(
        () => undefined,
      ),

    /** A request's progress on a member: counted once per authorization, so a reminder redraws nothing. */
    asked: (id: string, authorizationId: string) =>
      Digest.updateOne(
        { _id: id, asked: { $ne: authorizationId } },
        { $addToSet: { asked: authorizationId }, $set: { stale: true } },
      ).then(() => undefined),

    close: (id: string, now: Date) =>
      Digest.updateOne({ _id: id }, { $set: { closedAt: now } }).then(() => {}),

    /** Digests whose message no longer shows their latest state. */
    stale: (): Promise<DigestDocument[]> => Digest.find({ stale: true }).lean(),

    /** The message was drawn from `drawn`; a change since then leaves it stale for the next update. */
    async rendered(drawn: DigestDocument, now: Date): Promise<void> {
      const current = await Digest.findById(drawn._id).lean();
      const changed =
        !current ||
        current.chunks.length !== drawn.chunks.length ||
        current.resolved.length !== drawn.resolved.length;
      await Digest.updateOne({ _id: drawn._id }, { $set: { renderedAt: now, stale: changed } });
    },

    /** The workspace of each authorization (hex id → workspace id), each read by `_id`. */
    async workspacesOf(authorizationIds: string[]): Promise<Map<string, string>> {
      const found = await readByIds<AuthorizationDocument>(Authorization, authorizationIds, {
        workspaceId: 1,
      });
      return new Map(found.map((a) => [a._id.toHexString(), a.workspaceId]));
    },

    /**
     * Marks the outbox entries of incidents that joined a digest as published: they leave the outbox,
     * their ids stay known (outbox-keys.ts), in one insert and one delete however many they are. A
     * second publisher finds them gone and changes nothing.
     */
    markJoined: (entryIds: string[], now: Date): Promise<void> =>
      drainPublished({ OutboxEffect, OutboxKey }, entryIds, now),
  };
}

export type DigestStore = ReturnType<typeof createDigestStore>;
