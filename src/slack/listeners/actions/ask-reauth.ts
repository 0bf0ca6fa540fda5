import type { ModalView } from '@slack/types';
import { STEP_FAILURE_WORDS } from '../../../../blocks/failure-words';
import { reauthFormView, reauthUnavailableView } from '../../../../blocks/reauth-form-view';
import { ActionId } from '../../ids';
import { askReauthValue } from '../../metadata';
import { explainFailure } from '../explain-failure';
import type { ButtonArgs, ListenerDeps } from '../types';

/**
 * "Ask the utility customer to reauthorize" on a notice, a `/reauth` list or the App Home: opens the
 * prefilled reauth form, or says in plain words why no request can be sent.
 */
export const askReauth = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.askReauth });
  return async ({ ack, body, action, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    const now = deps.clock();
    let view: ModalView;
    try {
      const { authorizationId } = askReauthValue.decode(action.value);
      // Two indexed reads, well inside the 3 s a trigger_id lives.
      const form = await deps.reauth.prepareForm(deps.workspaceOf(context), authorizationId);
      view = reauthFormView(form, now);
    } catch (err) {
      const { words } = explainFailure(err, {
        log,
        msg: 'reauth form not prepared',
        words: STEP_FAILURE_WORDS.openForm,
      });
      view = reauthUnavailableView(words);
    }
    // A failure here (most likely an expired trigger_id) reaches app.error, which logs it once; with
    // the trigger gone there is no modal left to tell the user in.
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
};
