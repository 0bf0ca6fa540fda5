import { setTimeout as sleep } from 'node:timers/promises';
import type { KnownBlock } from '@slack/types';
import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  type WebClient,
} from '@slack/web-api';
import { expiryWarningMessage } from '../../blocks/expiry-warning-message';
import { type NoticeData, noticeMessage, noticeThreadReply } from '../../blocks/notice-message';
import type { AuthorizationState, BadLoginReason } from '../domain/authorization';
import { RelinkError } from '../domain/errors';
import type { OutboxEffect } from '../domain/reauth-request';
import type { Logger } from '../logger';
import type { OutboxEffectDocument } from '../store/models';
import type { NoticeClaim, NoticeDocument, NoticeStore } from '../store/notices';
import type { Outbox } from '../store/outbox';

type Message = { text: string; blocks: KnownBlock[] };
type Posted = { id: string; channel: string; ts: string; fresh: boolean };

export interface NoticePublisherDeps {
  outbox: Outbox;
  notices: NoticeStore;
  /** The notice as it should read now; null when the authorization does not exist. */
  noticeData: (authorizationId: string) => Promise<NoticeData | null>;
  /**
   * Must be created with `rejectRateLimitedCalls: true` and `retryConfig: { retries: 0 }`: this
   * publisher owns waiting and retrying, and a client retrying on its own would hold a pass for minutes.
   */
  client: WebClient;
  /** Where new notices go; updates and replies follow the channel a notice was posted in. */
  channel: string;
  clock: () => Date;
  log: Logger;
  /** Slack allows about one message per second per channel; thread replies count. */
  minPostIntervalMs?: number;
  /** How long a claim with no ts belongs to its publisher before it counts as died mid-post. */
  claimLeaseMs?: number;
}

export interface PublishResult {
  published: number;
  /** Entries read but left pending: Slack unavailable, another publisher at work, or a failure. */
  deferred: number;
}

type Failure =
  | { kind: 'rate_limited'; code: string; retryAfterMs: number }
  | { kind: 'unavailable'; code: string }
  | { kind: 'permanent'; code: string };

// "Not now" rather than "not this": the pass stops and every entry waits for the next one.
const UNAVAILABLE_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
// Every later call would fail the same way, so failing entry after entry would only bury the cause.
const CREDENTIAL_ERRORS = new Set([
  'not_authed',
  'invalid_auth',
  'token_revoked',
  'token_expired',
  'account_inactive',
]);

function classify(err: unknown): Failure {
  if (err instanceof WebAPIRateLimitedError) {
    return { kind: 'rate_limited', code: 'ratelimited', retryAfterMs: err.retryAfter * 1000 };
  }
  if (err instanceof WebAPIHTTPError) return { kind: 'unavailable', code: `http_${err.statusCode}` };
  if (err instanceof WebAPIRequestError) return { kind: 'unavailable', code: 'slack_unreachable' };
  if (err instanceof WebAPIPlatformError) {
    const code = err.data.error;
    const stop = UNAVAILABLE_ERRORS.has(code) || CREDENTIAL_ERRORS.has(code);
    return { kind: stop ? 'unavailable' : 'permanent', code };
  }
  return { kind: 'permanent', code: err instanceof RelinkError ? err.code : 'unexpected' };
}

/**
 * Publishes the outbox to Slack (DESIGN.md, Flow 3): one top-level message per incident, updated in
 * place, with one thread reply per later change. Every post is claimed in the notice store first, so
 * two publishers, or a replay after a failure, never post the same message twice.
 */
export function createNoticePublisher(deps: NoticePublisherDeps) {
  const { outbox, notices, client, clock, log } = deps;
  const interval = deps.minPostIntervalMs ?? 1000;
  const lease = deps.claimLeaseMs ?? 120_000;
  const lastPostAt = new Map<string, number>();
  const channelQueues = new Map<string, Promise<unknown>>();

  // Posts to one channel one at a time, `interval` apart, measured from Slack's previous answer so the
  // arrivals are spaced too. Measured with the injected clock; a frozen test clock just waits once.
  function paced<T>(channel: string, post: () => Promise<T>): Promise<T> {
    const run = (channelQueues.get(channel) ?? Promise.resolve()).then(async () => {
      const last = lastPostAt.get(channel);
      const wait = last === undefined ? 0 : Math.min(interval, last + interval - clock().getTime());
      if (wait > 0) {
        await sleep(wait);
        // Timers can fire a hair early against the wall clock.
        const left = (last ?? 0) + interval - clock().getTime();
        if (left > 0 && left < wait) await sleep(left);
      }
      try {
        return await post();
      } finally {
        lastPostAt.set(channel, clock().getTime());
      }
    });
    channelQueues.set(
      channel,
      run.catch(() => undefined),
    );
    return run;
  }

  /** Posts the message claimed as `claim.id` unless it is posted already; 'busy' while another publisher posts it. */
  async function postOnce(
    claim: Omit<NoticeClaim, 'now'>,
    message: Message,
    threadTs?: string,
  ): Promise<Posted | 'busy'> {
    if (!(await notices.claim({ ...claim, now: clock() }))) {
      const existing = await notices.findById(claim.id);
      if (existing?.ts) return { id: existing._id, channel: existing.channel, ts: existing.ts, fresh: false };
      if (!existing || !isStale(existing)) return 'busy';
      // Its publisher died between claiming and storing the ts. Slack may have the message or not and
      // chat.postMessage has no idempotency key: posting again is the small window where a notice can
      // show twice. A crash-free failure never lands here: it releases its claim below.
      if (!(await notices.retake(existing, clock()))) return 'busy';
    }
    let ts: string | undefined;
    try {
      const args = { channel: claim.channel, text: message.text, blocks: message.blocks };
      const res = await paced(claim.channel, () =>
        client.chat.postMessage(threadTs ? { ...args, thread_ts: threadTs } : args),
      );
      ts = res.ts;
    } catch (err) {
      // Released even when the answer was lost (timeout): reposting then risks what a takeover after
      // a crash risks, only sooner, and a refused post (5xx, 429, invalid_blocks) is retried at once.
      await notices.release(claim.id);
      throw err;
    }
    if (!ts) throw new RelinkError('slack_no_ts', 'chat.postMessage answered without a ts');
    await notices.setTs(claim.id, ts);
    return { id: claim.id, channel: claim.channel, ts, fresh: true };
  }

  const isStale = (n: NoticeDocument) => clock().getTime() - n.claimedAt.getTime() >= lease;

  const update = (notice: { channel: string; ts: string }, m: Message) =>
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
    const { effect } = entry;
    const now = clock();
    const card = cardFor(effect, current, entry.createdAt, now);
    const kind = effect.type === 'expiry.warning' ? 'warning' : 'incident';
    const ownId = `${kind}:${entry._id}`;
    const replyId = `reply:${entry._id}`;

    const target = await targetOf(authorizationId, ownId, replyId);
    // Nothing was ever shown for this incident, so there is nothing to turn green.
    if (effect.type === 'incident.resolved' && !target) return 'done';
    let notice: Posted;
    let postedOwn = false;
    if (!target || target._id === ownId) {
      const channel = target?.channel ?? deps.channel;
      const posted = await postOnce(
        { id: ownId, authorizationId: entry.authorizationId, kind, channel },
        card,
      );
      if (posted === 'busy') return 'busy';
      if (!posted.fresh) await update(posted, card);
      // A new incident or warning is its own news; a request or change still gets its reply below.
      if (effect.type === 'incident.opened' || effect.type === 'expiry.warning') return 'done';
      notice = posted;
      postedOwn = true;
    } else {
      if (!target.ts) return 'busy';
      notice = { id: target._id, channel: target.channel, ts: target.ts, fresh: false };
      await update(notice, card);
    }

    const reply = threadReply(effect, current, now);
    const replied = await postOnce(
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
        const failure = classify(err);
        if (failure.kind === 'rate_limited' && attempt === 1) {
          await sleep(failure.retryAfterMs);
          continue;
        }
        // Recorded on the entry for whoever looks at a stuck outbox; the entry itself stays pending.
        await outbox.markFailed(entry._id, failure.code);
        if (failure.kind === 'permanent') {
          const detail = failure.code === 'unexpected' ? { err } : {};
          log.error({ ...about, code: failure.code, ...detail }, 'notice not published');
          return 'held';
        }
        log.warn({ ...about, code: failure.code }, 'Slack unavailable; notices wait for the next pass');
        return 'stop';
      }
    }
  }

  return {
    /** One pass over the outbox, oldest first. Safe to run from several processes at once. */
    async publishPending(limit = 100): Promise<PublishResult> {
      const entries = await outbox.pending(limit);
      // Effects of one authorization must reach Slack in order: once one waits, its later ones wait too.
      const held = new Set<string>();
      let published = 0;
      for (const entry of entries) {
        const authorizationId = entry.authorizationId.toHexString();
        if (held.has(authorizationId)) continue;
        const outcome = await publishOne(entry);
        if (outcome === 'published') published += 1;
        else if (outcome === 'held') held.add(authorizationId);
        else break;
      }
      return { published, deferred: entries.length - published };
    },
  };
}

export type NoticePublisher = ReturnType<typeof createNoticePublisher>;

/** The top-level message as it should read after `effect`. */
function cardFor(effect: OutboxEffect, data: NoticeData, at: Date, now: Date): Message {
  if (effect.type === 'incident.resolved') {
    // The notice of a resolved incident reads resolved even if a newer incident has already begun.
    const status = { ...data.status, state: 'active' as const, incidentOpen: false };
    return noticeMessage({ ...data, status, resolvedAt: data.resolvedAt ?? at }, now);
  }
  if (effect.type === 'expiry.warning') return warningCard(data, effect.expiresAt, now);
  return noticeMessage(data, now);
}

const warningCard = (data: NoticeData, expiresAt: Date, now: Date): Message =>
  expiryWarningMessage(
    {
      authorizationId: data.authorizationId,
      customerName: data.customerName,
      customerEmail: data.customerEmail,
      utility: data.utility,
      // Outbox effects are stored as Mixed: re-create the Date rather than trust what came back.
      expiresAt: new Date(expiresAt),
    },
    now,
  );

function threadReply(effect: OutboxEffect, data: NoticeData, now: Date): Message {
  const facts = (state: AuthorizationState, reason: BadLoginReason | null) => ({
    state,
    reason,
    expiresAt: data.status.expiresAt,
    declinedAt: data.status.declinedAt,
    revokedAt: data.status.revokedAt,
  });
  switch (effect.type) {
    case 'incident.opened':
      return noticeThreadReply({ kind: 'state_changed', status: facts(effect.state, effect.reason) }, now);
    case 'incident.changed':
      return noticeThreadReply({ kind: 'state_changed', status: facts(effect.to, effect.reason) }, now);
    case 'incident.resolved':
      return noticeThreadReply({ kind: 'resolved' }, now);
    case 'request.queued':
      return noticeThreadReply({ kind: 'request_queued', requestedBy: effect.requestedBy }, now);
    case 'request.sent':
      // Stored as Mixed, like every outbox effect: re-create the Date rather than trust what came back.
      return noticeThreadReply({ kind: 'request_sent', sentTo: effect.sentTo, at: new Date(effect.at) }, now);
    case 'request.bounced':
      return noticeThreadReply({ kind: 'request_bounced', sentTo: effect.sentTo }, now);
    case 'request.failed':
      return noticeThreadReply(
        {
          kind: 'send_failed',
          code: effect.code,
          requestId: effect.requestId,
          ...(effect.message ? { message: effect.message } : {}),
        },
        now,
      );
    case 'expiry.warning':
      return warningCard(data, effect.expiresAt, now);
    default:
      throw new RelinkError('unknown_effect', `unknown outbox effect ${(effect as { type: string }).type}`);
  }
}
