import { setTimeout as sleep } from 'node:timers/promises';
import { inLaneOrder, type LaneGroup, laneOf } from '../domain/lanes';
import type { Logger } from '../logger';
import type { NoticeData } from '../reauth/notice-data';
import { isDatabaseUnavailable } from '../store/database';
import type { DigestStore } from '../store/digests';
import type { OutboxEffectDocument } from '../store/models';
import type { NoticeStore } from '../store/notices';
import type { Outbox } from '../store/outbox';
import { createCardUpdates } from './card-updates';
import { createChannelPacer } from './channel-pacer';
import { createDigests, type DigestSettings, type Digests } from './digests';
import { createEntryPublisher, type EntryCards } from './notice-entry';
import { createPostOnce } from './post-once';
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
  /**
   * While follow-ups are published, how often the outbox is asked whether news arrived that this process
   * was not told of (another process recorded it); news this process records it is told at once.
   */
  newsCheckEveryMs?: number;
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
 *
 * Lanes (src/domain/lanes.ts): a pass publishes news (new incidents, resolutions, warnings, failures)
 * before follow-ups (request progress, reminders, triage echoes), and news that arrives while follow-ups
 * are published ends the pass there, so the next pass starts with it: news waits for at most one
 * follow-up. A run of effects on one notice costs one card update, not one each.
 */
export function createNoticePublisher(deps: NoticePublisherDeps) {
  const { outbox, notices, clock, log } = deps;
  const paced = createChannelPacer({ intervalMs: deps.minPostIntervalMs ?? 1000, clock });
  const postOnce = createPostOnce({ notices, paced, clock, leaseMs: deps.claimLeaseMs ?? 120_000 });
  const digests: Digests | null = deps.digest ? createDigests({ ...deps, ...deps.digest, postOnce }) : null;
  const newsCheckEveryMs = deps.newsCheckEveryMs ?? 2_000;
  // Set by stop(): the pass in progress ends after the post in flight.
  let stopping = false;
  // Set by effectsRecorded(): this process recorded news since the pass in progress read the outbox.
  let newsTold = false;
  const publishEntry = createEntryPublisher({ ...deps, postOnce, digests });

  async function publishOne(
    entry: OutboxEffectDocument,
    cards: EntryCards,
  ): Promise<'published' | 'held' | 'stop'> {
    const about = {
      outboxId: entry._id,
      authorizationId: entry.authorizationId.toHexString(),
      effect: entry.effect.type,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        if ((await publishEntry(entry, cards)) === 'busy') return 'held';
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

  /** An authorization's entries in order; returns how many were published and what stopped the run. */
  async function publishGroup(group: LaneGroup<OutboxEffectDocument>) {
    const cards = createCardUpdates(log);
    let published = 0;
    let outcome: 'done' | 'held' | 'stop' = 'done';
    try {
      for (const [n, entry] of group.entries.entries()) {
        if (stopping) return { published, outcome: 'stop' as const };
        const later = n + 1 < group.entries.length;
        const result = await publishOne(entry, { show: cards.show, later });
        if (result !== 'published') {
          outcome = result;
          break;
        }
        published += 1;
      }
    } finally {
      await cards.flush();
    }
    return { published, outcome };
  }

  /**
   * Whether news waits that this pass did not read: told by this process (the stores announce news once
   * what it is about is written, so news read too early is told again), or found in the outbox.
   */
  function newsWatch(read: readonly OutboxEffectDocument[]) {
    const known = new Set(read.map((entry) => entry._id));
    let checkedAt = clock().getTime();
    return async (): Promise<boolean> => {
      if (newsTold) return true;
      const now = clock().getTime();
      if (now - checkedAt < newsCheckEveryMs) return false;
      checkedAt = now;
      return outbox.hasNewsBeyond(known, clock());
    };
  }

  /** One pass: news first, then follow-ups until news arrives (`interrupted`). */
  async function pass(limit: number): Promise<PublishResult & { interrupted: boolean }> {
    newsTold = false;
    const entries = await outbox.pending(limit, clock());
    // Many incidents for one channel join its digest at once, before any is posted on its own.
    const { joined, unwritten } = (await digests?.absorb(entries)) ?? {
      joined: new Set<string>(),
      unwritten: new Set<string>(),
    };
    // Shown before their outbox entries are marked: on FerretDB that write costs milliseconds per entry.
    if (joined.size > 0) await digests?.refresh().then(() => digests.markJoined(joined));
    const newsWaits = newsWatch(entries);
    const groups = inLaneOrder(
      entries.filter((entry) => !joined.has(entry._id)),
      (entry) => ({ authorizationId: entry.authorizationId.toHexString(), type: entry.effect.type }),
    );
    let published = joined.size;
    let interrupted = false;
    for (const group of groups) {
      if (stopping) break;
      // Effects of one authorization reach Slack in order: one not written yet holds them all.
      if (unwritten.has(group.authorizationId)) continue;
      if (group.lane === 'follow_up' && (await newsWaits())) {
        interrupted = true;
        break;
      }
      const run = await publishGroup(group);
      published += run.published;
      if (run.outcome === 'stop') break;
    }
    await digests?.refresh().catch((err: unknown) => log.warn({ err }, 'digests not refreshed'));
    return { published, deferred: entries.length - published, interrupted };
  }

  return {
    /**
     * Passes over the outbox until one is not cut short by news. Safe to run from several processes at
     * once.
     */
    async publishPending(limit = 2000): Promise<PublishResult> {
      let total = 0;
      for (;;) {
        const { published, deferred, interrupted } = await pass(limit);
        total += published;
        if (!interrupted || stopping) return { published: total, deferred };
      }
    },
    /** This process recorded effects: news among them cuts a pass of follow-ups short. */
    effectsRecorded(types: readonly OutboxEffectDocument['effect']['type'][]): void {
      if (types.some((type) => laneOf(type) === 'now')) newsTold = true;
    },
    /** Stopping: a pass ends after the post in flight, not after a backlog paced a post a second. */
    stop(): void {
      stopping = true;
    },
  };
}

export type NoticePublisher = ReturnType<typeof createNoticePublisher>;
