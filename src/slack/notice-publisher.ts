import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import { effectNoticeMessage, effectThreadReply } from '../../blocks/notice-effect-messages';
import type { SlackMessage } from '../../blocks/slack-message';
import { RelinkError } from '../domain/errors';
import { NoticeId } from '../domain/record-ids';
import type { Logger } from '../logger';
import type { NoticeData } from '../reauth/notice-data';
import { isDatabaseUnavailable } from '../store/database';
import type { DigestStore } from '../store/digests';
import type { OutboxEffectDocument } from '../store/models';
import type { NoticeStore } from '../store/notices';
import type { Outbox } from '../store/outbox';
import { createChannelPacer } from './channel-pacer';
import { createDigests, type DigestSettings, type Digests } from './digests';
import { createPostOnce, type Posted } from './post-once';
import { classifySlackFailure } from './slack-failures';
import type { WorkspaceSlack } from './workspace-slack';

export interface NoticePublisherDeps {
  outbox: Outbox;
  notices: NoticeStore;
  /** The notice as it should read now; null when the authorization does not exist. */
  noticeData: (authorizationId: string) => Promise<NoticeData | null>;
  /**
   * A workspace's Slack: its client (`publisherClient` in workspace-slack.ts, or configured like it) and the
   * channel where new notices go (updates and replies follow the channel a notice was posted in).
   * Null when the workspace has no Slack any more (uninstalled): its notices are dropped.
   */
  slackFor: (workspaceId: string) => Promise<WorkspaceSlack | null>;
  clock: () => Date;
  log: Logger;
  /** Slack allows about one message per second per channel; thread replies count. */
  minPostIntervalMs?: number;
  /** How long a claim with no ts belongs to its publisher before it counts as died mid-post. */
  claimLeaseMs?: number;
  /** Digests (many incidents of a channel as one message); without it every incident gets a notice. */
  digest?: {
    store: DigestStore;
    settings?: Partial<DigestSettings>;
    /** Whether an incident opened at `at` was the first sync's work: those go to one summary. */
    fromFirstSync?: (workspaceId: string, at: Date) => Promise<boolean>;
  };
}

export interface PublishResult {
  published: number;
  /** Entries read but left pending: Slack unavailable, another publisher at work, or a failure. */
  deferred: number;
}

/**
 * Publishes the outbox to Slack (DESIGN.md, Flow 3): one top-level message per incident, updated in
 * place, with one thread reply per later change. Every post is claimed in the notice store first, so
 * two publishers, or a replay after a failure, never post the same message twice.
 */
export function createNoticePublisher(deps: NoticePublisherDeps) {
  const { outbox, notices, clock, log } = deps;
  const paced = createChannelPacer({ intervalMs: deps.minPostIntervalMs ?? 1000, clock });
  const postOnce = createPostOnce({ notices, paced, clock, leaseMs: deps.claimLeaseMs ?? 120_000 });
  const digests: Digests | null = deps.digest ? createDigests({ ...deps, ...deps.digest, postOnce }) : null;
  // Set by stop(): the pass in progress ends after the post in flight.
  let stopping = false;

  const update = (client: WebClient, notice: { channel: string; ts: string }, m: SlackMessage) =>
    client.chat.update({ channel: notice.channel, ts: notice.ts, text: m.text, blocks: m.blocks });

  /**
   * The notice an entry belongs to: on replay, whatever it already touched; otherwise the open
   * incident notice. The open notice is read first: a publisher completing this entry concurrently
   * leaves its reply or notice before it can resolve that notice, so one of the reads sees its trace.
   */
  async function targetOf(authorizationId: string, ownId: string, replyId: string) {
    const open = await notices.openFor(authorizationId);
    const reply = await notices.findById(replyId);
    if (reply?.threadOf) return notices.findById(reply.threadOf);
    return (await notices.findById(ownId)) ?? open;
  }

  async function publishEntry(entry: OutboxEffectDocument): Promise<'done' | 'busy'> {
    const authorizationId = entry.authorizationId.toHexString();
    const current = await deps.noticeData(authorizationId);
    if (!current) throw new RelinkError('authorization_not_found', `no authorization ${authorizationId}`);
    // A revision writes its outbox entries before the authorization itself (so a later revision can
    // never overtake it): until that write lands, the notice would show the authorization as it was.
    if (entry.version > current.version) return 'busy';
    const slack = await deps.slackFor(current.workspaceId);
    if (!slack) {
      log.info(
        { authorizationId, workspaceId: current.workspaceId },
        'workspace has no Slack; notice dropped',
      );
      return 'done';
    }
    const { client } = slack;
    const { effect } = entry;
    const now = clock();
    const card = effectNoticeMessage(effect, current, entry.createdAt, now);
    const kind = effect.type === 'expiry.warning' ? 'warning' : 'incident';
    const ownId = NoticeId.own(kind, entry._id);
    const replyId = NoticeId.reply(entry._id);

    if (effect.type === 'incident.resolved') await digests?.resolved(authorizationId, entry.createdAt);
    let target = await targetOf(authorizationId, ownId, replyId);
    if (target?.digestOf) {
      // Counted in a digest: its own changes show there (resolved above; a change needs no message).
      if (effect.type.startsWith('incident.')) return 'done';
      // A request (or a warning) on it gets a notice of its own, so its progress shows in a thread
      // where the Home row and `/reauth` say to look; later effects follow that notice.
      target = null;
    }
    // Nothing was ever shown for this incident, so there is nothing to turn green (or to triage).
    const aboutShownNotice = effect.type === 'incident.resolved' || effect.type === 'incident.triaged';
    if (aboutShownNotice && !target) return 'done';
    let notice: Posted;
    let postedOwn = false;
    if (!target || target._id === ownId) {
      const channel = target?.channel ?? slack.channel;
      if (!channel) return 'busy';
      const posted = await postOnce(
        client,
        { id: ownId, authorizationId: entry.authorizationId, kind, channel },
        card,
      );
      if (posted === 'busy') return 'busy';
      if (!posted.fresh) await update(client, posted, card);
      // A new incident or warning is its own news; a request or change still gets its reply below.
      if (effect.type === 'incident.opened' || effect.type === 'expiry.warning') return 'done';
      notice = posted;
      postedOwn = true;
    } else {
      if (!target.ts) return 'busy';
      notice = { id: target._id, channel: target.channel, ts: target.ts, fresh: false };
      await update(client, notice, card);
    }

    const reply = effectThreadReply(effect, current, now);
    const replied = await postOnce(
      client,
      {
        id: replyId,
        authorizationId: entry.authorizationId,
        kind: 'reply',
        channel: notice.channel,
        threadOf: notice.id,
      },
      reply,
      notice.ts,
    );
    if (replied === 'busy') return 'busy';
    if (effect.type === 'incident.resolved') await notices.markResolved(notice.id, entry.createdAt);
    // A notice posted for a request or change after the incident closed must not catch the next incident.
    else if (postedOwn && !current.status.incidentOpen) await notices.markResolved(notice.id, now);
    return 'done';
  }

  async function publishOne(entry: OutboxEffectDocument): Promise<'published' | 'held' | 'stop'> {
    const about = {
      outboxId: entry._id,
      authorizationId: entry.authorizationId.toHexString(),
      effect: entry.effect.type,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        if ((await publishEntry(entry)) === 'busy') return 'held';
        await outbox.markPublished(entry._id, clock());
        return 'published';
      } catch (err) {
        const failure = classifySlackFailure(err);
        if (failure.kind === 'rate_limited' && attempt === 1) {
          await sleep(failure.retryAfterMs);
          continue;
        }
        // The database, not Slack, failed: nothing may be counted against the entry.
        if (isDatabaseUnavailable(err)) {
          log.warn(about, 'database unavailable; notices wait for the next pass');
          return 'stop';
        }
        if (failure.kind === 'permanent') {
          // Counted: it waits before the next try, and is parked (a dead letter) after a few.
          const refused = await outbox.markRefused(entry, failure.code, clock());
          const cause = failure.code === 'unexpected' ? { err } : {};
          const detail = { ...about, code: failure.code, ...refused, ...cause };
          if (refused.parked) log.error(detail, 'notice parked: Slack refused it for good');
          else log.warn(detail, 'notice refused; tried again later');
          return 'held';
        }
        // Recorded on the entry for whoever looks at a stuck outbox; the entry itself stays pending.
        await outbox.markFailed(entry._id, failure.code);
        log.warn({ ...about, code: failure.code }, 'Slack unavailable; notices wait for the next pass');
        return 'stop';
      }
    }
  }

  return {
    /** One pass over the outbox, oldest first. Safe to run from several processes at once. */
    async publishPending(limit = 2000): Promise<PublishResult> {
      const entries = await outbox.pending(limit, clock());
      // Many incidents for one channel join its digest at once, before any is posted on its own.
      const { joined, unwritten } = (await digests?.absorb(entries)) ?? {
        joined: new Set(),
        unwritten: new Set(),
      };
      // Shown before their outbox entries are marked: on FerretDB that write costs milliseconds per entry.
      if (joined.size > 0) await digests?.refresh().then(() => digests.markJoined(joined));
      // Effects of one authorization must reach Slack in order: once one waits, its later ones wait too.
      const held = new Set<string>(unwritten);
      let published = joined.size;
      for (const entry of entries) {
        if (stopping) break;
        const authorizationId = entry.authorizationId.toHexString();
        if (held.has(authorizationId) || joined.has(entry._id)) continue;
        const outcome = await publishOne(entry);
        if (outcome === 'published') published += 1;
        else if (outcome === 'held') held.add(authorizationId);
        else break;
      }
      await digests?.refresh().catch((err: unknown) => log.warn({ err }, 'digests not refreshed'));
      return { published, deferred: entries.length - published };
    },
    /** Stopping: a pass ends after the post in flight, not after a backlog paced a post a second. */
    stop(): void {
      stopping = true;
    },
  };
}

export type NoticePublisher = ReturnType<typeof createNoticePublisher>;
