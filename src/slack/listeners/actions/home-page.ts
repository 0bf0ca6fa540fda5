import { ActionId } from '../../ids';
import type { ButtonArgs, ListenerDeps } from '../types';
import { republishHome } from './home-publish';

/** Previous and Next on the App Home: the button's value is the page it leads to. */
export const homePage = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: `${ActionId.homePrevious}|${ActionId.homeNext}` });
  return async ({ ack, body, action, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    const page = Number(action.value);
    const valid = Number.isInteger(page) && page >= 1;
    // A page past the end is fine (the worklist clamps it); a value relink did not write is not.
    if (!valid) log.warn('home page not understood');
    await republishHome(deps, log, { body, client, context }, valid ? { page } : {});
  };
};
