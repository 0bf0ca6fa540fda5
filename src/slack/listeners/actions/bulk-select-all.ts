import { ActionId } from '../../ids';
import { slackActorOf } from '../slack-actor';
import type { ButtonArgs } from '../types';
import type { BulkListenerDeps } from './bulk-deps';
import { shownList } from './bulk-select';
import { republishHome } from './home-publish';

/** "Select all N in this tab" and "Clear selection" on the App Home. */
export const bulkSelectAll = (deps: BulkListenerDeps) => {
  const log = deps.log.child({ listener: `${ActionId.bulkSelectAll}|${ActionId.bulkClearSelection}` });
  return async ({ ack, body, action, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    const list = shownList(body.view?.private_metadata);
    if (!list) {
      log.warn('bulk selection not understood');
      return;
    }
    const kind = action.action_id === ActionId.bulkSelectAll ? 'all' : 'clear';
    await deps.bulk.select(deps.workspaceOf(context), slackActorOf(body).userId, list, { kind });
    await republishHome(deps, log, { body, client, context }, {});
  };
};
