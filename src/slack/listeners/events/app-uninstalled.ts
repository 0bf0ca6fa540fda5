import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../types';
import { workspaceRemoved } from './workspace-removed';

type AppUninstalledArgs = SlackEventMiddlewareArgs<'app_uninstalled'> & AllMiddlewareArgs;

/** relink was uninstalled from a workspace (no scope needed): its tokens are deleted. */
export const appUninstalled =
  (deps: ListenerDeps) =>
  async ({ context }: AppUninstalledArgs) => {
    await workspaceRemoved(deps, context, 'app_uninstalled');
  };
