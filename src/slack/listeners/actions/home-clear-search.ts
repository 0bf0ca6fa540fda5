import { ActionId } from '../../ids';
import type { ButtonArgs, ListenerDeps } from '../types';
import { republishHome } from './home-publish';

/** "Clear search" on the App Home: the whole current tab again, from its first page. */
export const homeClearSearch = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.homeClearSearch });
  return async ({ ack, body, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    await republishHome(deps, log, { body, client, context }, { search: null });
  };
};
