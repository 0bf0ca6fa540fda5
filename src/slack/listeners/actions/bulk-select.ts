import type {
  AllMiddlewareArgs,
  BlockAction,
  CheckboxesAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { ActionId } from '../../ids';
import { homeMeta } from '../../metadata';
import { slackActorOf } from '../slack-actor';
import type { BulkListenerDeps } from './bulk-deps';
import { republishHome } from './home-publish';

export type CheckboxArgs = SlackActionMiddlewareArgs<BlockAction<CheckboxesAction>> & AllMiddlewareArgs;

const ID = /^[0-9a-f]{24}$/;

/**
 * A row's "Select" checkbox on the App Home: ticks or unticks that authorization in the user's
 * selection for the list shown, then publishes the Home again (the Ask button counts the selection).
 */
export const bulkSelect = (deps: BulkListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.bulkSelect });
  return async ({ ack, body, action, client, context }: CheckboxArgs): Promise<void> => {
    await ack();
    // The action_id names the row (`bulk_select.<id>`), so unticking, which selects nothing, does too.
    const authorizationId = action.action_id.slice(ActionId.bulkSelect.length + 1);
    const list = shownList(body.view?.private_metadata);
    if (!ID.test(authorizationId) || !list) {
      log.warn('bulk selection not understood');
      return;
    }
    const on = action.selected_options.length > 0;
    const { userId } = slackActorOf(body);
    await deps.bulk.select(deps.workspaceOf(context), userId, list, { kind: 'tick', authorizationId, on });
    await republishHome(deps, log, { body, client, context }, {});
  };
};

/** The tab and search of the Home clicked in, which the selection belongs to; null if unreadable. */
export function shownList(metadata: string | undefined) {
  try {
    const { tab, search } = homeMeta.decode(metadata);
    return { tab, search };
  } catch {
    return null;
  }
}
