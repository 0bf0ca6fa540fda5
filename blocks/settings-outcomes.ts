import type { KnownBlock, ModalView, PlainTextElement } from '@slack/types';
import {
  COOLDOWN_HOURS_MAX,
  EXPIRY_WARNING_DAY_MAX,
  EXPIRY_WARNING_DAYS_MAX_COUNT,
} from '../src/domain/settings-input';
import { CallbackId } from '../src/slack/ids';
import type { WebhookAddress } from '../src/workspaces/settings-service';
import { escapeMrkdwn } from './text';

/*
 * What the Settings modal answers besides itself: field errors, the URL to paste after connecting
 * UtilityAPI, the refusal for someone who is not an admin, and relink's own trouble.
 */

/** Field errors, shown under the field with `response_action: 'errors'`. */
export const SETTINGS_FIELD_MESSAGES = {
  alertChannelMissing: 'Choose the channel where relink posts notices',
  whoMayActMissing: 'Choose who can ask customers to reauthorize',
  usergroupMissing: 'Choose the user group whose members can ask customers to reauthorize',
  usergroupInvalid: 'Enter a user group id, like S0123456789',
  cooldownNotWhole: 'Enter a whole number of hours, like 24',
  cooldownNegative: 'Enter 0 or more hours',
  cooldownTooLarge: `Enter at most ${COOLDOWN_HOURS_MAX} hours (30 days)`,
  expiryNotAList: 'Enter whole days separated by commas, like 30,7,1',
  expiryOutOfRange: `Each day must be from 1 to ${EXPIRY_WARNING_DAY_MAX}`,
  expiryTooMany: `Enter at most ${EXPIRY_WARNING_DAYS_MAX_COUNT} days`,
  tokenInvalid: 'Paste the whole API token from UtilityAPI, without spaces',
  webhookSecretInvalid: 'Paste the whole webhook secret (at least 8 characters, without spaces)',
  tokenNeeded: 'Enter the API token too, to connect UtilityAPI',
  webhookSecretNeeded: 'Enter the webhook secret too: relink checks every webhook with it',
  encryptionKeyMissing: 'relink can’t store this until RELINK_ENCRYPTION_KEY is set',
} as const;

/** After a save that connected UtilityAPI: the URL to paste there, now rather than on the next opening. */
export function settingsSavedView(webhook: WebhookAddress): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackId.settingsSaved,
    title: plain('Settings saved'),
    close: plain('Done'),
    blocks: [
      section(':white_check_mark: Saved. UtilityAPI is connected to this workspace.'),
      ...webhookBlocks(webhook),
    ],
  };
}

/** For someone who is not an admin, however they reached Settings: in the access refusals' words. */
export function settingsRefusedView(): ModalView {
  return unavailable(
    ':lock: Only workspace admins and owners, and the person who installed relink, can change relink’s settings.',
    'Ask a workspace admin to change them for you.',
  );
}

/** What went wrong on relink's side; nothing in the form to fix. */
export type SettingsTrouble = 'check_failed' | 'not_opened' | 'not_saved';

const TROUBLE_WORDS: Record<SettingsTrouble, [string, string]> = {
  check_failed: [
    ':warning: relink couldn’t check that you can change its settings just now.',
    'Try again in a minute.',
  ],
  not_opened: [':warning: relink couldn’t open its settings just now.', 'Try again in a minute.'],
  // The save may have stopped part-way (the database, for one).
  not_saved: [
    ':warning: relink couldn’t save the settings just now.',
    'Open Settings again in a minute to check what was kept, and save again.',
  ],
};

export function settingsTroubleView(trouble: SettingsTrouble): ModalView {
  return unavailable(...TROUBLE_WORDS[trouble]);
}

const unavailable = (why: string, next: string): ModalView => ({
  type: 'modal',
  callback_id: CallbackId.settingsUnavailable,
  title: plain('Settings'),
  close: plain('Close'),
  blocks: [section(why), context(next)],
});

/** The workspace's own UtilityAPI webhook: the whole URL, or the path and what to put in front. */
export function webhookBlocks(webhook: WebhookAddress): KnownBlock[] {
  if (webhook.url) {
    return [
      section(
        `*Webhook URL*: paste it into UtilityAPI’s webhook settings, with the same secret:\n\`${escapeMrkdwn(webhook.url)}\``,
      ),
    ];
  }
  return [
    section(`*Webhook path*: \`${escapeMrkdwn(webhook.path)}\``),
    context(
      'Put relink’s public address in front of this path (https://your-relink-host…) and paste the result into UtilityAPI’s webhook settings, with the same secret. Setting RELINK_PUBLIC_URL makes relink show the whole URL.',
    ),
  ];
}

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text });
const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
