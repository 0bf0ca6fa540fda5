import { DIGEST_NAMED, type DigestData, digestMessage, digestTab } from '../../blocks/digest-message';
import { customerMustAct } from '../domain/authorization';
import { appendTo } from '../domain/grouping';
import { NoticeId } from '../domain/record-ids';
import type { Logger } from '../logger';
import type { NoticeData } from '../reauth/notice-data';
import type { DigestDocument, DigestMember, DigestStore } from '../store/digests';
import type { OutboxEffectDocument } from '../store/models';
import type { NoticeStore } from '../store/notices';
import type { PostOnce } from './post-once';
import { classifySlackFailure } from './slack-failures';
import type { WorkspaceSlack } from './workspace-slack';

/** When a channel's incidents go to one digest instead of a notice each (README, "Digests"). */
export interface DigestSettings {
  /**
   * More incidents than this waiting for one channel open a digest: at Slack's one message per
   * second per channel, this many notices take as many seconds to post.
   */
  threshold: number;
  /** An open digest keeps taking new incidents until none joined for this long. */
  windowMs: number;
  /** At most one chat.update per digest this often (chat.update is a Tier 3 method). */
  updateIntervalMs: number;
}

export const DEFAULT_DIGEST_SETTINGS: DigestSettings = {
  threshold: 10,
  windowMs: 10_000,
  updateIntervalMs: 3_000,
};

export interface DigestDeps {
  store: DigestStore;
  notices: NoticeStore;
  postOnce: PostOnce;
  noticeData: (authorizationId: string) => Promise<NoticeData | null>;
  slackFor: (workspaceId: string) => Promise<WorkspaceSlack | null>;
  /** Whether an incident opened at `at` was found by the first sync of the workspace's platform account. */
  fromFirstSync?: (workspaceId: string, at: Date) => Promise<boolean>;
  settings?: Partial<DigestSettings>;
  clock: () => Date;
  log: Logger;
}

type OpenedEntry = OutboxEffectDocument & { effect: { type: 'incident.opened' } };

/**
 * Digests (DESIGN.md, Flow 8): when more incidents wait for a channel than Slack's rate can post
 * within seconds (a storm, or a first sync's existing problems), they join one message per channel that
 * counts them and is updated in place. Each joined incident is recorded as its authorization's open
 * incident notice pointing at the digest, so later effects find it and never post a duplicate.
 */
export function createDigests(deps: DigestDeps) {
  const { store: digests, notices, clock, log } = deps;
  const settings = { ...DEFAULT_DIGEST_SETTINGS, ...deps.settings };
  const fromFirstSync = deps.fromFirstSync ?? (async () => false);

  /** The incidents each authorization opens first in `entries` (later effects wait behind them). */
  function openingEntries(entries: readonly OutboxEffectDocument[]): OpenedEntry[] {
    const first = new Map<string, OutboxEffectDocument>();
    for (const e of entries) {
      const id = e.authorizationId.toHexString();
      if (!first.has(id)) first.set(id, e);
    }
    return [...first.values()].filter((e): e is OpenedEntry => e.effect.type === 'incident.opened');
  }

  /** The channel's digest to join now, opening or closing one as the backlog says; null: post one by one. */
  async function digestFor(workspaceId: string, channel: string, waiting: OpenedEntry[]) {
    const now = clock();
    const first = waiting[0] as OpenedEntry;
    const importing = await fromFirstSync(workspaceId, first.createdAt);
    const open = await digests.openFor(workspaceId, channel);
    // A first sync's later pages join its summary however few; a small one gets plain notices.
    const many = waiting.length > settings.threshold || (importing && open?.kind === 'first_sync');
    if (open) {
      const quiet = now.getTime() - open.lastJoinAt.getTime() >= settings.windowMs;
      if (many || !quiet) return open;
      await digests.close(open._id, now);
      log.info({ digestId: open._id, joins: open.chunks.length }, 'digest closed: notices resume');
    }
    if (!many) return null;
    const id = NoticeId.digest(first._id);
    const kind = importing ? 'first_sync' : 'storm';
    if (await digests.open({ _id: id, workspaceId, channel, kind }, now)) {
      log.info({ digestId: id, workspaceId, waiting: waiting.length, kind }, 'digest opened');
    }
    return digests.findById(id);
  }

  async function join(digest: DigestDocument, waiting: OpenedEntry[]): Promise<string[]> {
    const now = clock();
    const members: DigestMember[] = waiting.map((e) => ({
      entryId: e._id,
      authorizationId: e.authorizationId.toHexString(),
      state: e.effect.state,
      reason: e.effect.reason,
    }));
    // Members first, then their notices and places, then (markJoined) the outbox: a crash in between repeats
    // idempotent steps.
    await digests.join(digest._id, members, now);
    const claimed = waiting.map((e) => ({
      id: NoticeId.own('incident', e._id),
      authorizationId: e.authorizationId.toHexString(),
      channel: digest.channel,
    }));
    await notices.claimDigestMembers(digest._id, claimed, now);
    await digests.place(
      claimed.map((c) => ({ authorizationId: c.authorizationId, digestId: digest._id, noticeId: c.id })),
    );
    return waiting.map((e) => e._id);
  }

  async function dataOf(d: DigestDocument, members: DigestMember[]): Promise<DigestData> {
    const first = [];
    for (const m of members.slice(0, DIGEST_NAMED)) {
      const data = await deps.noticeData(m.authorizationId);
      first.push({ customerName: data?.customerName ?? null, utility: data?.utility ?? '', ...m });
    }
    const resolved = new Set(d.resolved);
    const asked = new Set(d.asked ?? []);
    return {
      kind: d.kind,
      total: members.length,
      resolved: members.filter((m) => resolved.has(m.authorizationId)).length,
      asked: members.filter((m) => asked.has(m.authorizationId)).length,
      problems: members,
      first,
      tab: digestTab(members),
    };
  }

  /** Posts or updates one digest's message; false when it must wait (Slack busy or refusing). */
  async function show(d: DigestDocument): Promise<boolean> {
    const slack = await deps.slackFor(d.workspaceId);
    const members = await digests.members(d);
    const first = members[0];
    if (!slack || !first) return false;
    const message = digestMessage(await dataOf(d, members));
    const claim = {
      id: d._id,
      authorizationId: first.authorizationId,
      kind: 'digest' as const,
      channel: d.channel,
    };
    try {
      const posted = await deps.postOnce(slack.client, claim, message);
      if (posted === 'busy') return false;
      if (!posted.fresh) {
        await slack.client.chat.update({ channel: posted.channel, ts: posted.ts, ...message });
      }
      return true;
    } catch (err) {
      // Left stale: the next pass tries again.
      log.warn(
        { digestId: d._id, code: classifySlackFailure(err).code },
        'digest not shown; tried again later',
      );
      return false;
    }
  }

  return {
    /**
     * Joins the waiting incidents of every channel with a digest open (or a backlog big enough to open
     * one) to its digest. Returns the outbox entries that joined (for {@link markJoined}), and the
     * authorizations not written yet, whose entries must wait for the next pass.
     */
    async absorb(
      entries: readonly OutboxEffectDocument[],
    ): Promise<{ joined: Set<string>; unwritten: Set<string> }> {
      const joined = new Set<string>();
      const unwritten = new Set<string>();
      const opening = openingEntries(entries).filter((e) => customerMustAct(e.effect.state));
      if (opening.length === 0) return { joined, unwritten };
      const ids = opening.map((e) => e.authorizationId.toHexString());
      const workspaces = await digests.workspacesOf(ids);
      const byWorkspace = new Map<string, OpenedEntry[]>();
      for (const e of opening) {
        const workspaceId = workspaces.get(e.authorizationId.toHexString());
        // A batched write inserts the outbox entries before new authorizations: not one by one now.
        if (!workspaceId) {
          unwritten.add(e.authorizationId.toHexString());
          continue;
        }
        appendTo(byWorkspace, workspaceId, e);
      }
      for (const [workspaceId, waiting] of byWorkspace) {
        const channel = (await deps.slackFor(workspaceId))?.channel;
        if (!channel) continue;
        const digest = await digestFor(workspaceId, channel, waiting);
        if (!digest) continue;
        for (const id of await join(digest, waiting)) joined.add(id);
      }
      return { joined, unwritten };
    },

    /** The outbox entries of incidents that joined a digest are published. */
    markJoined: (entryIds: ReadonlySet<string>) => digests.markJoined([...entryIds], clock()),

    /** An incident resolved: if a digest counts it, the digest says so (its next update). */
    async resolved(authorizationId: string, at: Date): Promise<void> {
      // By `_id`: most resolutions are of incidents no digest counts, and `notices` grows with history.
      const place = await digests.placeOf(authorizationId);
      if (!place) return;
      await digests.resolve(place.digestId, authorizationId);
      await notices.markResolved(place.noticeId, at);
      await digests.unplace(authorizationId);
    },

    /**
     * A request's progress on an incident the digest counts: the digest counts it as asked (shown at its
     * next update, at most once per `updateIntervalMs`) rather than a message per customer in the channel.
     */
    asked: (digestId: string, authorizationId: string) => digests.asked(digestId, authorizationId),

    /** Posts new digests and updates changed ones, each at most once per `updateIntervalMs`. */
    async refresh(): Promise<number> {
      const now = clock().getTime();
      let shown = 0;
      for (const d of await digests.stale()) {
        if (d.renderedAt && now - d.renderedAt.getTime() < settings.updateIntervalMs) continue;
        if (!(await show(d))) continue;
        await digests.rendered(d, clock());
        shown++;
      }
      return shown;
    },
  };
}

export type Digests = ReturnType<typeof createDigests>;
