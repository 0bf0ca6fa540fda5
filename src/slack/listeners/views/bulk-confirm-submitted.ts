import type { ViewResponseAction } from '@slack/bolt';
import { bulkConfirmMeta, parseBulkNote } from '../../../../blocks/bulk-codecs';
import { bulkStartedView, bulkUnavailableView } from '../../../../blocks/bulk-started-view';
import { BULK_FAILURE_WORDS } from '../../../../blocks/bulk-words';
import { CallbackId } from '../../ids';
import type { BulkListenerDeps } from '../actions/bulk-deps';
import { explainFailure } from '../explain-failure';
import { slackActorOf } from '../slack-actor';
import type { ViewSubmissionArgs } from '../types';
import { followBulk } from './bulk-progress';

/**
 * Send on the bulk confirmation: starts the plan once (a double submit or Slack's retry starts
 * nothing), answers at once, then queues the requests and follows them on the Home and, when every
 * email is out, with one summary in the alert channel.
 */
export const bulkConfirmSubmitted = (deps: BulkListenerDeps) => {
  const log = deps.log.child({ listener: CallbackId.bulkConfirm });
  return async ({ ack, body, view, client, context }: ViewSubmissionArgs): Promise<void> => {
    const parsed = parseBulkNote(view.state.values);
    if (!parsed.ok) return ack({ response_action: 'errors', errors: parsed.errors });
    const workspaceId = deps.workspaceOf(context);
    let answer: ViewResponseAction;
    let follow: (() => Promise<void>) | null = null;
    try {
      const { bulkId } = bulkConfirmMeta.decode(view.private_metadata);
      const who = slackActorOf(body);
      const started = await deps.bulk.start({ workspaceId, bulkId, requestedBy: who, note: parsed.note });
      answer = { response_action: 'update', view: bulkStartedView(started.total) };
      if (started.started) {
        const input = {
          client,
          workspaceId,
          teamId: context.teamId ?? who.teamId,
          userId: who.userId,
          bulkId,
        };
        follow = () => followBulk(deps, { ...input, queue: started.queue });
      }
    } catch (err) {
      const { words } = explainFailure(err, {
        log,
        msg: 'bulk ask not started',
        words: BULK_FAILURE_WORDS.send,
      });
      answer = { response_action: 'update', view: bulkUnavailableView(words) };
    }
    await ack(answer);
    // After the ack: queuing a thousand requests takes longer than Slack's 3 s.
    if (follow) await follow();
  };
};
