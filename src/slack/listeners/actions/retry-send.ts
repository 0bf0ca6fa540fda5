import { ActionId } from '../../ids';
import { retrySendValue } from '../../metadata';
import { explainFailure } from '../failure-words';
import { slackActorOf } from '../slack-actor';
import type { ButtonArgs, ListenerDeps } from '../types';

const RETRYING = "Sending the request again. The notice will show when it's sent.";

/** Retry on a "could not send" reply in a notice's thread: queues the failed request again. */
export const retrySend = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.retrySend });
  return async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
    await ack();
    let text = RETRYING;
    try {
      const { requestId } = retrySendValue.decode(action.value);
      await deps.reauth.retry(requestId, slackActorOf(body));
    } catch (err) {
      ({ words: text } = explainFailure(err, {
        log,
        msg: 'reauth request not retried',
        invalid: "This Retry button doesn't work any more. Ask the customer again from the notice.",
        unexpected: "relink couldn't retry just now. Try again in a minute.",
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
