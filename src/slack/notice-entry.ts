import { effectNoticeMessage, effectThreadReply } from '../../blocks/notice-effect-messages';
import { RelinkError } from '../domain/errors';
import { laneOf } from '../domain/lanes';
import { NoticeId } from '../domain/record-ids';
import type { Logger } from '../logger';
import type { NoticeData } from '../reauth/notice-data';
import type { OutboxEffectDocument } from '../store/models';
import type { NoticeStore } from '../store/notices';
import type { CardUpdates } from './card-updates';
import type { Digests } from './digests';
import type { Posted, PostOnce } from './post-once';
import type { WorkspaceSlack } from './workspace-slack';

export interface EntryPublisherDeps {
  notices: NoticeStore;
  noticeData: (authorizationId: string) => Promise<NoticeData | null>;
  slackFor: (workspaceId: string) => Promise<WorkspaceSlack | null>;
  postOnce: PostOnce;
  digests: Digests | null;
  clock: () => Date;
  log: Logger;
}

/** How one entry's card is shown: `later` lets its update wait for the next entry's (card-updates.ts). */
export interface EntryCards {
  show: CardUpdates['show'];
  later: boolean;
}

/**
 * Publishes one outbox entry: the incident's notice (posted once, or its card updated) and the entry's
 * thread reply. Answers 'busy' when the entry must wait (the authorization not written yet, another
 * publisher mid-post); Slack's failures are thrown for the publisher to classify.
 */
export function createEntryPublisher(deps: EntryPublisherDeps) {
  const { notices, postOnce, digests, clock, log } = deps;

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

  /** `cards`: this entry's card update may wait for the next entry's (see card-updates.ts). */
  async function publishEntry(entry: OutboxEffectDocument, cards: EntryCards): Promise<'done' | 'busy'> {
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
      // A request's progress counts on the digest (a bulk ask of 1,000 is not 1,000 messages in the
      // channel); the Home row and `/reauth` show each one's status.
      if (laneOf(effect.type) === 'follow_up') {
        await digests?.asked(target.digestOf, authorizationId);
        return 'done';
      }
      // What a person must act on (a failed send's Retry, a bounce, a warning) gets a notice of its own,
      // where the Home row says to look; later effects follow that notice.
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
      if (!posted.fresh) await cards.show(client, posted, card, cards.later);
      // A new incident or warning is its own news; a request or change still gets its reply below.
      if (effect.type === 'incident.opened' || effect.type === 'expiry.warning') return 'done';
      notice = posted;
      postedOwn = true;
    } else {
      if (!target.ts) return 'busy';
      notice = { id: target._id, channel: target.channel, ts: target.ts, fresh: false };
      await cards.show(client, notice, card, cards.later);
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

  return publishEntry;
}
