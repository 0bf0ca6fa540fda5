import {
  type FailureWords,
  RETRYING_WORDS,
  SENDING_AGAIN_WORDS,
  STEP_FAILURE_WORDS,
} from '../../../../blocks/failure-words';
import { ActionId, type ActionIdValue } from '../../ids';
import { retrySendValue } from '../../metadata';
import { explainFailure } from '../explain-failure';
import { slackActorOf } from '../slack-actor';
import type { ButtonArgs, ListenerDeps } from '../types';

/** Retry on a "could not send" reply in a notice's thread: queues the failed request again. */
export const retrySend = (deps: ListenerDeps) =>
  queueAgain(deps, {
    actionId: ActionId.retrySend,
    done: RETRYING_WORDS,
    failed: STEP_FAILURE_WORDS.retrySend,
    msg: 'reauth request not retried',
  });

/**
 * Send again on a "could not confirm the email" reply: a person chose to send it again, knowing the
 * first may have arrived. The request goes the Retry way; the sender allows a new attempt only after
 * one that could not be confirmed, and claims it, so a double click or two relink processes send once.
 */
export const sendAgain = (deps: ListenerDeps) =>
  queueAgain(deps, {
    actionId: ActionId.sendAgain,
    done: SENDING_AGAIN_WORDS,
    failed: STEP_FAILURE_WORDS.sendAgain,
    msg: 'reauth email not sent again',
  });

function queueAgain(
  deps: ListenerDeps,
  o: { actionId: ActionIdValue; done: string; failed: FailureWords; msg: string },
) {
  const log = deps.log.child({ listener: o.actionId });
  return async ({ ack, body, action, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    let text = o.done;
    try {
      const { requestId } = retrySendValue.decode(action.value);
      await deps.reauth.retry(deps.workspaceOf(context), requestId, slackActorOf(body));
    } catch (err) {
      ({ words: text } = explainFailure(err, { log, msg: o.msg, words: o.failed }));
    }
    const channel = body.channel?.id;
    // Both buttons only exist on thread replies, which always come with their channel.
    if (!channel) return;
    // Only the person who clicked needs to know; the thread stays for what happened to the request.
    await client.chat.postEphemeral({ channel, user: body.user.id, text, thread_ts: threadOf(body.message) });
  };
}

/** The thread the clicked reply is in, so the answer appears beside it. */
const threadOf = (message: { ts: string; thread_ts?: unknown } | undefined): string | undefined =>
  typeof message?.thread_ts === 'string' ? message.thread_ts : message?.ts;
