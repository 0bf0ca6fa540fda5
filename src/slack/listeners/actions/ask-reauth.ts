import type { ModalView } from '@slack/types';
import { reauthFormView, reauthUnavailableView } from '../../../../blocks/reauth-form-view';
import { ActionId } from '../../ids';
import { askReauthValue } from '../../metadata';
import { explainFailure } from '../failure-words';
import type { ButtonArgs, ListenerDeps } from '../types';

/**
 * "Ask the utility customer to reauthorize" on a notice, a `/reauth` list or the App Home: opens the
 * prefilled reauth form, or says in plain words why no request can be sent.
 */
export const askReauth = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.askReauth });
  return async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
    await ack();
    const now = deps.clock();
    let view: ModalView;
    try {
      const { authorizationId } = askReauthValue.decode(action.value);
      // Two indexed reads, well inside the 3 s a trigger_id lives.
      const form = await deps.reauth.prepareForm(authorizationId);
      view = reauthFormView({ ...form, ...noticeOf(body) }, now);
    } catch (err) {
      const { words } = explainFailure(err, {
        log,
        msg: 'reauth form not prepared',
        invalid:
          "This button can't open the form any more. Use the button on the newest notice for this customer.",
        unexpected: "relink couldn't load this customer just now. Try the button again in a minute.",
      });
      view = reauthUnavailableView(words);
    }
    // A failure here (most likely an expired trigger_id) reaches app.error, which logs it once; with
    // the trigger gone there is no modal left to tell the user in.
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
};

/**
 * The notice the button was clicked on, for later steps to update. A `/reauth` list is an ephemeral
 * message: Slack gives it a ts but it cannot be updated or replied to, so it is no notice.
 */
function noticeOf(body: ButtonArgs['body']): { channel?: string; noticeTs?: string } {
  if (body.container?.is_ephemeral === true) return {};
  return { channel: body.channel?.id, noticeTs: body.message?.ts };
}
