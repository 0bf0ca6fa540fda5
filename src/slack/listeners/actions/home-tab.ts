import { isHomeTab } from '../../../domain/worklist';
import { ActionId } from '../../ids';
import type { ButtonArgs, ListenerDeps } from '../types';
import { republishHome } from './home-publish';

/** A tab button on the App Home (Bad logins, Expired / Declined, …): that tab's first page. */
export const homeTab = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.homeTab });
  return async ({ ack, body, action, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    // blocks/home-view.ts puts the tab in the value; anything else was not written by relink, and
    // the Home is published again as it was.
    const tab = isHomeTab(action.value) ? action.value : undefined;
    if (!tab) log.warn('home tab not understood');
    await republishHome(deps, log, { body, client, context }, tab ? { tab } : {});
  };
};
