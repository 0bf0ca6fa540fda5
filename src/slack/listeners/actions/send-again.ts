import { SENDING_AGAIN_WORDS, STEP_FAILURE_WORDS } from '../../../../blocks/failure-words';
import { ActionId } from '../../ids';
import { retrySendValue } from '../../metadata';
import { explainFailure } from '../explain-failure';
import { slackActorOf } from '../slack-actor';
import type { ButtonArgs, ListenerDeps } from '../types';

/**
 * Send again on a "could not confirm the email" reply: a person chose to send it again, knowing the
 * first may have arrived. The request goes the Retry way; the sender allows a new attempt only after
 * one that could not be confirmed, and claims it, so a double click or two relink processes send once.
 */
export const sendAgain = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.sendAgain });
  return async ({ ack, body, action, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    let text = SENDING_AGAIN_WORDS;
    try {
      const { requestId } = retrySendValue.decode(action.value);
      await deps.reauth.retry(deps.workspaceOf(context), requestId, slackActorOf(body));
    } catch (err) {
      ({ words: text } = explainFailure(err, {
        log,
        msg: 'reauth email not sent again',
        words: STEP_FAILURE_WORDS.sendAgain,
      }));
    }
    const channel = body.channel?.id;
    // Send again only exists on thread replies, which always come with their channel.
    if (!channel) return;
    const message = body.message;
    const thread = typeof message?.thread_ts === 'string' ? message.thread_ts : message?.ts;
    await client.chat.postEphemeral({ channel, user: body.user.id, text, thread_ts: thread });
  };
};
