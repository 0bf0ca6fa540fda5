import { REMINDER_FAILURE_WORDS, REMINDERS_STOPPED_WORDS } from '../../../../blocks/reminder-messages';
import { ActionId } from '../../ids';
import { retrySendValue } from '../../metadata';
import { explainFailure } from '../explain-failure';
import { slackActorOf } from '../slack-actor';
import type { ButtonArgs, ListenerDeps } from '../types';
import { republishHome } from './home-publish';

/**
 * Stop reminders on a notice, its thread or an App Home row: no more reminders for the request, and
 * no "no response" mark either (audited as who stopped them). The notice says so once redrawn; the
 * person who clicked hears it at once (in the channel), or sees their Home redrawn.
 */
export const stopReminders = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.stopReminders });
  return async (args: ButtonArgs): Promise<void> => {
    const { ack, body, action, client, context } = args;
    await ack();
    let text = REMINDERS_STOPPED_WORDS;
    try {
      if (!deps.reminders) throw new Error('reminders are not wired');
      const { requestId } = retrySendValue.decode(action.value);
      await deps.reminders.stop(deps.workspaceOf(context), requestId, slackActorOf(body));
    } catch (err) {
      ({ words: text } = explainFailure(err, {
        log,
        msg: 'reminders not stopped',
        words: REMINDER_FAILURE_WORDS.stop,
      }));
    }
    if (body.view?.type === 'home') {
      await republishHome(deps, log, { body, client, context }, {});
      return;
    }
    const channel = body.channel?.id;
    if (!channel) return;
    const threadTs = body.message?.thread_ts ?? body.message?.ts;
    await client.chat.postEphemeral({
      channel,
      user: body.user.id,
      text,
      ...(typeof threadTs === 'string' ? { thread_ts: threadTs } : {}),
    });
  };
};
