import { RETRYING_WORDS, STEP_FAILURE_WORDS } from '../../../../blocks/failure-words';
import { ActionId } from '../../ids';
import { retrySendValue } from '../../metadata';
import { explainFailure } from '../explain-failure';
import { slackActorOf } from '../slack-actor';
import type { ButtonArgs, ListenerDeps } from '../types';

/** Retry on a "could not send" reply in a notice's thread: queues the failed request again. */
export const retrySend = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.retrySend });
  return async ({ ack, body, action, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    let text = RETRYING_WORDS;
    try {
      const { requestId } = retrySendValue.decode(action.value);
      await deps.reauth.retry(deps.workspaceOf(context), requestId, slackActorOf(body));
    } catch (err) {
      ({ words: text } = explainFailure(err, {
        log,
        msg: 'reauth request not retried',
        words: STEP_FAILURE_WORDS.retrySend,
      }));
    }
    const channel = body.channel?.id;
    // Retry only exists on messages, which always come with their channel.
    if (!channel) return;
    // Only the person who clicked needs to know; the thread stays for what happened to the request.
    await client.chat.postEphemeral({ channel, user: body.user.id, text, thread_ts: threadOf(body.message) });
  };
};

/** The thread the clicked reply is in, so the answer appears beside it. */
const threadOf = (message: { ts: string; thread_ts?: unknown } | undefined): string | undefined =>
  typeof message?.thread_ts === 'string' ? message.thread_ts : message?.ts;
