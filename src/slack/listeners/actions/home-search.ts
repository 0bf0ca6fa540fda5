import { ActionId } from '../../ids';
import type { ListenerDeps, TextInputArgs } from '../types';
import { republishHome } from './home-publish';

/** Enter in the App Home's search box: the current tab narrowed to matches, from its first page. */
export const homeSearch = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.homeSearch });
  return async ({ ack, body, action, client, context }: TextInputArgs): Promise<void> => {
    await ack();
    // An emptied box clears the search (the home service treats blank as none).
    await republishHome(deps, log, { body, client, context }, { search: action.value ?? null });
  };
};
