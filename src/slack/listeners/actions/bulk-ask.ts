import type { ModalView } from '@slack/types';
import { bulkConfirmView } from '../../../../blocks/bulk-confirm-view';
import { bulkUnavailableView } from '../../../../blocks/bulk-started-view';
import { BULK_FAILURE_WORDS } from '../../../../blocks/bulk-words';
import { ActionId } from '../../ids';
import { explainFailure } from '../explain-failure';
import { slackActorOf } from '../slack-actor';
import type { ButtonArgs } from '../types';
import type { BulkListenerDeps } from './bulk-deps';

/**
 * "Ask N customers to reauthorize…" on the App Home: the confirmation for the user's selection (who
 * is asked, who is skipped and why, one email). The plan is read from memory and stored in one write,
 * well inside the 3 s a trigger_id lives.
 */
export const bulkAsk = (deps: BulkListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.bulkAsk });
  return async ({ ack, body, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    let view: ModalView;
    try {
      const plan = await deps.bulk.prepare(deps.workspaceOf(context), slackActorOf(body));
      view = bulkConfirmView({ plan, senderName: deps.sender.name, senderEmail: deps.sender.email });
    } catch (err) {
      const { words } = explainFailure(err, {
        log,
        msg: 'bulk ask not prepared',
        words: BULK_FAILURE_WORDS.openConfirm,
      });
      view = bulkUnavailableView(words);
    }
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
};
