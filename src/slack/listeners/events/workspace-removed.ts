import type { Context } from '@slack/bolt';
import { SINGLE_WORKSPACE_ID } from '../../../domain/workspace';
import type { ListenerDeps } from '../types';

/**
 * relink's tokens in a workspace stopped working (uninstalled, or the bot token revoked): delete what
 * relink keeps for it, so nothing more is posted there; its settings stay for a reinstall. Slack sends
 * these events without an installation to authorize against (Bolt skips that step for them), and in
 * either order, so this is idempotent.
 */
export async function workspaceRemoved(
  deps: Pick<ListenerDeps, 'workspaceOf' | 'installations' | 'clock' | 'log'>,
  context: Context,
  event: 'app_uninstalled' | 'tokens_revoked',
): Promise<void> {
  const workspaceId = deps.workspaceOf(context);
  const log = deps.log.child({ workspaceId, event });
  if (workspaceId === SINGLE_WORKSPACE_ID) {
    // The token lives in the environment, where relink cannot delete it.
    log.warn(
      'relink was removed from its Slack workspace: reinstall the app and set SLACK_BOT_TOKEN to its new token',
    );
    return;
  }
  if (!deps.installations) throw new Error('the uninstall listeners were registered without installations');
  const known = await deps.installations.markUninstalled(workspaceId, deps.clock());
  log.info({ known }, 'workspace uninstalled: its tokens are deleted');
}
