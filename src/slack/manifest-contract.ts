import { Command } from './ids';

/**
 * What relink asks of Slack, and the one list every manifest (`slack-manifest.yml`, `manifests/*.yml`)
 * is checked against by test/slack/manifests.test.ts, and what registerListeners must handle (checked by
 * test/slack/listeners/contract.test.ts): a slash command or event cannot be handled without being
 * declared, nor declared without a listener, and no scope is requested without a feature that needs it.
 * (Who asked is shown as a <@user> mention, which needs no users:read.)
 */
export const SLACK_CONTRACT = {
  commands: [Command.reauth],
  // app_home_opened needs no scope: it is delivered because the Home tab is enabled.
  botEvents: ['app_home_opened'],
  // Buttons on notices and the reauth modals post block_actions and view_submission payloads.
  interactivity: true,
  scopes: [
    // Posting notices, updating them as the authorization changes, and replying in their threads.
    'chat:write',
    // The /reauth slash command.
    'commands',
  ],
} as const;

export type SlackContract = typeof SLACK_CONTRACT;
