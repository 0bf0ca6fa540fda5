import type { ModalView } from '@slack/types';
import { historyUnavailableView, historyView } from '../../../../blocks/history-view';
import { HISTORY_FAILURE_WORDS } from '../../../../blocks/triage-words';
import { ActionId } from '../../ids';
import { historyMeta } from '../../triage-values';
import { explainFailure } from '../explain-failure';
import type { ButtonArgs, ListenerDeps } from '../types';

/** Newer / Older in the history modal: the page the button names, in place. */
export const historyPage = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: `${ActionId.historyPrevious}|${ActionId.historyNext}` });
  return async ({ ack, body, action, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    const viewId = body.view?.id;
    if (!viewId) return;
    let view: ModalView;
    try {
      const { authorizationId } = historyMeta.decode(body.view?.private_metadata);
      const page = Number.parseInt(action.value ?? '', 10);
      const data = await deps.history.page(deps.workspaceOf(context), authorizationId, page);
      view = historyView(data, deps.clock());
    } catch (err) {
      const { words } = explainFailure(err, {
        log,
        msg: 'history page not read',
        words: HISTORY_FAILURE_WORDS,
      });
      view = historyUnavailableView(words);
    }
    // The view's hash: a page read while another click already moved the modal does not overwrite it.
    await client.views.update({
      view_id: viewId,
      view,
      ...(body.view?.hash ? { hash: body.view.hash } : {}),
    });
  };
};
