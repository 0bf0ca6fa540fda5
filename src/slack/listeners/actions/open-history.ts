import type { WebClient } from '@slack/web-api';
import { historyLoadingView, historyUnavailableView, historyView } from '../../../../blocks/history-view';
import { HISTORY_FAILURE_WORDS } from '../../../../blocks/triage-words';
import { RelinkError } from '../../../domain/errors';
import type { Logger } from '../../../logger';
import { ActionId } from '../../ids';
import { historyValue } from '../../triage-values';
import { explainFailure } from '../explain-failure';
import type { ButtonArgs, ListenerDeps } from '../types';

/** History on a notice, a Home row or a `/reauth` row: the authorization's timeline, newest first. */
export const openHistory = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.openHistory });
  return async ({ ack, body, action, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    let authorizationId: string | null = null;
    try {
      ({ authorizationId } = historyValue.decode(action.value));
    } catch (err) {
      const { words } = explainFailure(err, { log, msg: 'history not opened', words: HISTORY_FAILURE_WORDS });
      await client.views.open({ trigger_id: body.trigger_id, view: historyUnavailableView(words) });
      return;
    }
    await showHistory(
      deps,
      log,
      { client, triggerId: body.trigger_id },
      deps.workspaceOf(context),
      authorizationId,
    );
  };
};

/**
 * Opens the history modal at once (the trigger_id dies in 3 s; the audit trail is read after), then
 * fills it with the newest page, or with why it cannot be read. Shared with `/reauth history`.
 */
export async function showHistory(
  deps: Pick<ListenerDeps, 'history' | 'clock'>,
  log: Logger,
  at: { client: WebClient; triggerId: string },
  workspaceId: string,
  authorizationId: string,
): Promise<void> {
  const opened = await at.client.views.open({ trigger_id: at.triggerId, view: historyLoadingView() });
  const viewId = opened.view?.id;
  if (!viewId) throw new RelinkError('slack_response_invalid', 'views.open answered without a view id');
  let view = historyLoadingView();
  try {
    view = historyView(await deps.history.page(workspaceId, authorizationId, 1), deps.clock());
  } catch (err) {
    const { words } = explainFailure(err, { log, msg: 'history not read', words: HISTORY_FAILURE_WORDS });
    view = historyUnavailableView(words);
  }
  await at.client.views.update({ view_id: viewId, view });
}
