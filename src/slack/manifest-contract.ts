import { Command } from './ids';

/**
 * What relink asks of Slack, and the one list every manifest (`slack-manifest.yml`, `manifests/*.yml`)
 * is checked against by test/slack/manifests.test.ts, and what registerListeners must handle (checked by
 * test/slack/listeners/contract.test.ts): a slash command or event cannot be handled without being
 * declared, nor declared without a listener, and no scope is requested without a feature that needs it.
 */
export const SLACK_CONTRACT = {
  commands: [Command.reauth],
  // app_home_opened needs no scope: it is delivered because the Home tab is enabled. app_uninstalled
  // and tokens_revoked need none either: they tell relink to delete a workspace's tokens.
  botEvents: ['app_home_opened', 'app_uninstalled', 'tokens_revoked'],
  // Buttons on notices and the reauth modals post block_actions and view_submission payloads.
  interactivity: true,
  scopes: [
    // Posting notices, updating them as the authorization changes, and replying in their threads.
    'chat:write',
    // The /reauth slash command.
    'commands',
    // Who may act (src/slack/access): users.info says who is a guest or from another organisation,
    'users:read',
    // usergroups.users.list reads the members of the user group chosen in Settings,
    'usergroups:read',
    // and conversations.members the alert channel's members, public or private.
    'channels:read',
    'groups:read',
  ],
} as const;

export type SlackContract = typeof SLACK_CONTRACT;
