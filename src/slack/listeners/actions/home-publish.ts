import type { BlockAction, Context } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { homeView } from '../../../../blocks/home-view';
import type { HomeChange } from '../../../home/home-service';
import type { Logger } from '../../../logger';
import type { HomeState } from '../../../store/home-state';
import { homeMeta } from '../../metadata';
import { slackActorOf } from '../slack-actor';
import type { ListenerDeps } from '../types';

/**
 * Shared by the Home's tab, paging and search listeners: applies the click to what the user's Home
 * shows and publishes the result to that user alone. Errors reach `app.error`, which logs them once;
 * the Home has no place to tell the user, and the old view stays usable.
 */
export async function republishHome(
  deps: Pick<ListenerDeps, 'home' | 'workspaceOf'>,
  log: Logger,
  { body, client, context }: { body: BlockAction; client: WebClient; context: Context },
  change: Omit<HomeChange, 'shown'>,
): Promise<void> {
  const { userId } = slackActorOf(body);
  const shown = shownState(body.view?.private_metadata, log);
  const { data } = await deps.home.prepare(deps.workspaceOf(context), userId, { ...change, shown });
  // No `hash`: two quick clicks would otherwise fail the second publish; the last one wins, as the
  // remembered state does.
  await client.views.publish({ user_id: userId, view: homeView(data) });
}

/** The state the clicked Home shows, or null (so the remembered state is used) if relink can't read it. */
function shownState(metadata: string | undefined, log: Logger): HomeState | null {
  try {
    const { tab, page, search } = homeMeta.decode(metadata);
    return { tab, page, search };
  } catch (err) {
    log.warn({ err }, 'home metadata not read');
    return null;
  }
}
