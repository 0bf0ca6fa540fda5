// Longer than 250 lines because notice records, digest membership and the rows' links are claimed and
// written together: splitting them would split each claim across files.
import { type Connection, type Model, Schema, type SchemaDefinition, Types } from 'mongoose';
import { isDuplicateKey, upsertRacing } from './duplicate-key';
import { createOpenNotices } from './open-notices';

/**
 * `incident`: the one top-level message of an incident, or its place in a digest (`digestOf` set).
 * `warning`: a top-level expiry warning posted while no incident was open. `reply`: one thread reply,
 * kept only so it is posted once. `digest`: the message standing for many incidents (store/digests.ts).
 */
export type NoticeKind = 'incident' | 'warning' | 'reply' | 'digest';

/**
 * One Slack message relink posts, claimed before it is posted. `_id` is derived from the outbox entry
 * that causes the post (`incident:<entry id>`, `warning:<entry id>`, `reply:<entry id>`), so two
 * publishers, or one replaying after a crash, meet on the same key.
 */
export interface NoticeDocument {
  _id: string;
  authorizationId: Types.ObjectId;
  kind: NoticeKind;
  channel: string;
  /** null from the claim until Slack answers the post. */
  ts: string | null;
  /** For a reply: the `_id` of the notice it was posted under. */
  threadOf: string | null;
  /** For an incident shown in a digest instead of a notice of its own: the digest's `_id`. */
  digestOf?: string | null;
  openedAt: Date;
  /** When the current owner claimed the post; a null `ts` older than the publisher's lease means it died. */
  claimedAt: Date;
  resolvedAt: Date | null;
  /** The message's URL (chat.getPermalink), for links to it; null until known, absent on old records. */
  permalink?: string | null;
}

/**
 * Where an authorization's latest top-level message is, keyed by the authorization's hex id so the
 * Home reads its rows' links by `_id` alone: the notice (or digest) record, and its URL once known.
 */
export interface NoticeLinkDocument {
  _id: string;
  noticeId: string;
  permalink: string | null;
  at: Date;
}

export interface NoticeClaim {
  id: string;
  authorizationId: Types.ObjectId | string;
  kind: NoticeKind;
  channel: string;
  threadOf?: string | null;
  now: Date;
}

interface RetakeDocument {
  _id: string;
  at: Date;
}

// Untyped definitions and explicit interfaces, as in models.ts: mongoose's inference exhausts tsc.
const definition = (fields: Record<string, unknown>) => fields as SchemaDefinition;

const noticeSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    authorizationId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['incident', 'warning', 'reply', 'digest'], required: true },
    channel: { type: String, required: true },
    ts: { type: String, default: null },
    threadOf: { type: String, default: null },
    digestOf: { type: String, default: null },
    openedAt: { type: Date, required: true },
    claimedAt: { type: Date, required: true },
    resolvedAt: { type: Date, default: null },
    permalink: { type: String, default: null },
  }),
  { collection: 'notices', versionKey: false },
);

/** One document per taken-over claim generation: the insert is what makes a takeover exclusive. */
const retakeSchema = new Schema(
  definition({ _id: { type: String, required: true }, at: { type: Date, required: true } }),
  { collection: 'notice_retakes', versionKey: false },
);

const linkSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    noticeId: { type: String, required: true },
    permalink: { type: String, default: null },
    at: { type: Date, required: true },
  }),
  { collection: 'notice_links', versionKey: false },
);

/**
 * The Slack messages of notices. FerretDB has no atomic compare-and-set (README, "FerretDB
 * differences"), so every "only one of us may post this" decision is a unique insert: `claim` before
 * posting, and `retake` to take over a claim whose owner died before Slack answered.
 */
export function createNoticeStore(connection: Connection) {
  // Cast through unknown: mongoose's model type inference is what tsc cannot afford (see models.ts).
  const model = (name: string, schema: Schema): unknown =>
    connection.models[name] ?? connection.model(name, schema);
  const Notice = model('Notice', noticeSchema) as Model<NoticeDocument>;
  const Retake = model('NoticeRetake', retakeSchema) as Model<RetakeDocument>;
  const Link = model('NoticeLink', linkSchema) as Model<NoticeLinkDocument>;
  // Each authorization's open incident notice, by `_id` (open-notices.ts).
  const openNotices = createOpenNotices(connection, () =>
    Notice.find({ kind: 'incident', resolvedAt: null }, { authorizationId: 1, openedAt: 1 })
      .lean<NoticeDocument[]>()
      .cursor(),
  );

  return {
    /** Creates the collections and indexes; call once at startup beside models.ts' ensureIndexes. */
    async ensureIndexes(): Promise<void> {
      const all = [Notice, Retake, Link] as unknown as {
        createCollection(): Promise<unknown>;
        createIndexes(): Promise<unknown>;
      }[];
      for (const m of all) {
        await m.createCollection().catch((err: { code?: number }) => {
          if (err.code !== 48) throw err; // 48: NamespaceExists
        });
        await m.createIndexes();
      }
      await openNotices.init();
    },

    /** Inserts the placeholder (ts null) of a message about to be posted; false when it already exists. */
    async claim(c: NoticeClaim): Promise<boolean> {
      if (c.kind === 'incident') await openNotices.point(String(c.authorizationId), c.id, c.now);
      try {
        await Notice.create({
          _id: c.id,
          authorizationId: c.authorizationId,
          kind: c.kind,
          channel: c.channel,
          ts: null,
          threadOf: c.threadOf ?? null,
          openedAt: c.now,
          claimedAt: c.now,
          resolvedAt: null,
        });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    /**
     * Records incidents shown in digest `digestOf` instead of notices of their own, in one write: they
     * are their authorizations' open incident notices from now on (a member already recorded stays).
     */
    async claimDigestMembers(
      digestOf: string,
      members: { id: string; authorizationId: string; channel: string }[],
      now: Date,
    ): Promise<void> {
      if (members.length === 0) return;
      await openNotices.pointAll(
        members.map((m) => ({ authorizationId: m.authorizationId, noticeId: m.id, at: now })),
      );
      const docs = members.map((m) => ({
        _id: m.id,
        authorizationId: new Types.ObjectId(m.authorizationId),
        kind: 'incident',
        channel: m.channel,
        ts: null,
        threadOf: null,
        digestOf,
        openedAt: now,
        claimedAt: now,
        resolvedAt: null,
      }));
      await Notice.insertMany(docs, { ordered: false }).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
      // Their Home rows link to the digest message: its record gets its URL once it is posted.
      const linkToDigest = () =>
        Link.bulkWrite(
          members.map((m) => ({
            updateOne: {
              filter: { _id: m.authorizationId },
              update: { $set: { noticeId: digestOf, permalink: null, at: now } },
              upsert: true,
            },
          })),
          { ordered: false },
        );
      await upsertRacing(linkToDigest);
    },

    /**
     * Takes over a claim whose owner died between claiming and learning the ts. Exactly one caller per
     * claim generation (`claimedAt`) wins; the winner's own lease starts now.
     */
    async retake(claim: NoticeDocument, now: Date): Promise<boolean> {
      try {
        await Retake.create({ _id: `${claim._id}@${claim.claimedAt.getTime()}`, at: now });
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
      await Notice.updateOne({ _id: claim._id }, { $set: { claimedAt: now } });
      return true;
    },

    /** Gives a claim up after Slack refused the post, so the next pass claims it afresh. */
    release: (id: string) => Notice.deleteOne({ _id: id, ts: null }).then(() => undefined),

    findById: (id: string): Promise<NoticeDocument | null> => Notice.findById(id).lean(),

    setTs: (id: string, ts: string) => Notice.updateOne({ _id: id }, { $set: { ts } }).then(() => undefined),

    setPermalink: (id: string, permalink: string) =>
      Notice.updateOne({ _id: id }, { $set: { permalink } }).then(() => undefined),

    /** Makes `noticeId` the message the authorization's Home row links to. */
    linkLatest: (authorizationId: string, noticeId: string, permalink: string | null, at: Date) =>
      Link.updateOne({ _id: authorizationId }, { $set: { noticeId, permalink, at } }, { upsert: true }).then(
        () => undefined,
      ),

    /**
     * The URL of each authorization's latest message, keyed by hex id (absent when none is known).
     * Reads by `_id` only, one per row and one per digest shared by rows: meant for a page of rows.
     */
    async permalinksOf(authorizationIds: readonly string[]): Promise<Map<string, string>> {
      const links = await Promise.all(authorizationIds.map((id) => Link.findById(id).lean()));
      const pending = [...new Set(links.filter((l) => l && !l.permalink).map((l) => l?.noticeId ?? ''))];
      const found = await Promise.all(pending.map((id) => Notice.findById(id).lean()));
      const byNotice = new Map(found.flatMap((n) => (n?.permalink ? [[n._id, n.permalink] as const] : [])));
      const result = new Map<string, string>();
      for (const link of links) {
        const url = link?.permalink ?? (link ? byNotice.get(link.noticeId) : undefined);
        if (link && url) result.set(link._id, url);
      }
      return result;
    },

    /** The authorization's open incident notice; its `ts` is null while being posted. */
    async openFor(authorizationId: string): Promise<NoticeDocument | null> {
      const id = await openNotices.noticeIdOf(authorizationId);
      const notice = id ? await Notice.findById(id).lean<NoticeDocument>() : null;
      return notice?.kind === 'incident' && notice.resolvedAt === null ? notice : null;
    },

    markResolved: (id: string, at: Date) =>
      Notice.updateOne({ _id: id, resolvedAt: null }, { $set: { resolvedAt: at } }).then(() => undefined),
  };
}

export type NoticeStore = ReturnType<typeof createNoticeStore>;
