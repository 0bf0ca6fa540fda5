import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from '../../blocks/slack-message';
import { RelinkError } from '../domain/errors';
import type { NoticeClaim, NoticeDocument, NoticeStore } from '../store/notices';
import type { ChannelPacer } from './channel-pacer';

/** A message in Slack; `fresh` when this call posted it, false when it was there already. */
export interface Posted {
  id: string;
  channel: string;
  ts: string;
  fresh: boolean;
}

export interface PostOnceDeps {
  notices: NoticeStore;
  paced: ChannelPacer;
  clock: () => Date;
  /** How long a claim with no ts belongs to its publisher before it counts as died mid-post. */
  leaseMs: number;
}

/**
 * Posts each message at most once, however many publishers try: the post is claimed in the notice
 * store first (a unique insert, the only exactly-once primitive on FerretDB), and only the claim's
 * owner posts. Answers 'busy' while another publisher owns the claim and has not stored its ts yet.
 */
export function createPostOnce({ notices, paced, clock, leaseMs }: PostOnceDeps) {
  const isStale = (n: NoticeDocument) => clock().getTime() - n.claimedAt.getTime() >= leaseMs;

  /** Posts through `client`: the bot token of the workspace the channel belongs to. */
  return async function postOnce(
    client: WebClient,
    claim: Omit<NoticeClaim, 'now'>,
    message: SlackMessage,
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
    if (claim.kind !== 'reply') await rememberPermalink(client, claim, ts);
    return { id: claim.id, channel: claim.channel, ts, fresh: true };
  };

  /**
   * Asks Slack once for a posted top-level message's URL, which the Home rows link to. Slack's answer
   * (workspace domain, archive path) is not ours to build; without it the row simply has no link, so a
   * failure here never fails the post.
   */
  async function rememberPermalink(client: WebClient, claim: Omit<NoticeClaim, 'now'>, ts: string) {
    const permalink = await client.chat
      .getPermalink({ channel: claim.channel, message_ts: ts })
      .then((res) => res.permalink ?? null)
      .catch(() => null);
    if (permalink) await notices.setPermalink(claim.id, permalink);
    if (claim.kind === 'incident' || claim.kind === 'warning') {
      await notices.linkLatest(String(claim.authorizationId), claim.id, permalink, clock());
    }
  }
}

export type PostOnce = ReturnType<typeof createPostOnce>;
