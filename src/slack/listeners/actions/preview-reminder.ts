import type { ModalView } from '@slack/types';
import { reauthUnavailableView } from '../../../../blocks/reauth-form-view';
import { REMINDER_FAILURE_WORDS, reminderPreviewView } from '../../../../blocks/reminder-messages';
import { ActionId } from '../../ids';
import { retrySendValue } from '../../metadata';
import { explainFailure } from '../explain-failure';
import type { ButtonArgs, ListenerDeps } from '../types';

/** Preview reminder: opens the next reminder email as the customer will read it (one read by id). */
export const previewReminder = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.previewReminder });
  return async ({ ack, body, action, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    let view: ModalView;
    try {
      if (!deps.reminders) throw new Error('reminders are not wired');
      const { requestId } = retrySendValue.decode(action.value);
      view = reminderPreviewView(await deps.reminders.preview(deps.workspaceOf(context), requestId));
    } catch (err) {
      const { words } = explainFailure(err, {
        log,
        msg: 'reminder preview not prepared',
        words: REMINDER_FAILURE_WORDS.preview,
      });
      view = reauthUnavailableView(words);
    }
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
};
