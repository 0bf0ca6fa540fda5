import { randomBytes } from 'node:crypto';
import { eventually } from './eventually';
import type { SlackStandin } from './slack-standin';

/*
 * What Slack sends when someone opens relink's App Home, and where a test finds the modal relink opened:
 * shared by the in-process harness (e2e-relink.ts) and the child-process one (relink-world.ts).
 */

/** The Events API callback Slack posts when `user` opens relink's App Home. */
export const appHomeOpenedEvent = (team: string, user: string) => ({
  token: 'deprecated-verification-token',
  team_id: team,
  api_app_id: 'A0RELINKAPP',
  type: 'event_callback',
  event_id: `Ev${randomBytes(8).toString('hex').toUpperCase()}`,
  event_time: Math.floor(Date.now() / 1000),
  authorizations: [{ enterprise_id: null, team_id: team, user_id: 'U0RELINKBOT', is_bot: true }],
  event: {
    type: 'app_home_opened',
    user,
    channel: 'D0RELINK42',
    tab: 'home',
    event_ts: (Date.now() / 1000).toFixed(6),
  },
});

/** The id of the view the first successful views.open after the first `opened` ones opened, once there. */
export const viewOpenedAfter = (slack: SlackStandin, opened: number, what = 'the form') =>
  eventually(
    () =>
      (
        slack
          .callsTo('views.open')
          .slice(opened)
          .find((c) => c.ok)?.response as { view?: { id: string } }
      )?.view?.id,
    what,
  );
