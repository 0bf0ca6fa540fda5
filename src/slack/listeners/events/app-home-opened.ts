import { homeView } from '../../../../blocks/home-view';
import type { HomeOpenedArgs, ListenerDeps } from '../types';

/**
 * The user opened relink's App Home: their worklist as they left it. Events are acknowledged by Bolt
 * before this runs, so the queries cannot make Slack retry the event.
 */
export const appHomeOpened =
  (deps: ListenerDeps) =>
  async ({ event, client, context }: HomeOpenedArgs) => {
    // Slack sends this for the Messages tab too, which relink does not draw.
    if (event.tab !== 'home') return;
    const { data } = await deps.home.prepare(deps.workspaceOf(context), event.user);
    // A failure reaches app.error, which logs it once; the user still sees the last Home published.
    await client.views.publish({ user_id: event.user, view: homeView(data) });
  };
