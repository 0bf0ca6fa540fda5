import type { InputBlock, KnownBlock, ModalView, PlainTextElement, PlainTextOption } from '@slack/types';
import { formatDay } from '../src/domain/problem-words';
import {
  COOLDOWN_HOURS_MAX,
  COOLDOWN_HOURS_MIN,
  formatExpiryWarningDays,
} from '../src/domain/settings-input';
import { remindersOf, WHO_MAY_ACT_KINDS, type WhoMayAct } from '../src/domain/workspace';
import { ActionId, BlockId, CallbackId } from '../src/slack/ids';
import { settingsMeta } from '../src/slack/metadata';
import type { SettingsForm } from '../src/workspaces/settings-service';
import { reminderSettingsInputs } from './reminder-settings';
import { webhookBlocks } from './settings-outcomes';
import { clip } from './text';

/** One of the workspace's user groups, as usergroups.list names it. */
export interface UsergroupChoice {
  id: string;
  name: string;
  handle: string | null;
}

export interface SettingsViewInput {
  form: SettingsForm;
  /**
   * The workspace's user groups, or null when Slack could not list them (a free plan has none, a
   * missing scope, a timeout): the group is then typed as an id.
   */
  usergroups: readonly UsergroupChoice[] | null;
}

export const SETTINGS_TITLE = 'relink settings';

/** Slack's static_select holds at most 100 options; past that the group is typed as an id. */
const MAX_USERGROUP_OPTIONS = 100;
const SECRET_MAX_CHARS = 500;

export const WHO_MAY_ACT_WORDS: Record<WhoMayAct['kind'], string> = {
  everyone_but_guests: 'Everyone in this workspace except guests',
  channel_members: 'Members of the alert channel',
  usergroup: 'Members of a user group',
};

/** The Settings modal an admin opens from the App Home; prefilled with what is in effect. */
export function settingsView({ form, usergroups }: SettingsViewInput): ModalView {
  const { settings } = form;
  const blocks: KnownBlock[] = [
    context('These settings apply to this workspace only, as soon as you save.'),
    {
      type: 'input',
      block_id: BlockId.settingsAlertChannel,
      label: plain('Alert channel'),
      hint: plain('Where relink posts a notice when a customer needs to reauthorize. Invite relink there.'),
      element: {
        type: 'conversations_select',
        action_id: ActionId.settingsAlertChannel,
        placeholder: plain('Choose a channel'),
        // A channel shared with another organisation would show its people this workspace's customers.
        filter: {
          include: ['public', 'private'],
          exclude_external_shared_channels: true,
          exclude_bot_users: true,
        },
        ...(settings.alertChannel ? { initial_conversation: settings.alertChannel } : {}),
      },
    },
    whoMayActInput(settings.whoMayAct),
    usergroupInput(settings.whoMayAct, usergroups),
    {
      type: 'input',
      block_id: BlockId.settingsCooldownHours,
      label: plain('Hours before a customer can be asked again'),
      hint: plain('“Send anyway” can still send sooner. 0 turns the wait off.'),
      element: {
        type: 'number_input',
        action_id: ActionId.settingsCooldownHours,
        is_decimal_allowed: false,
        min_value: String(COOLDOWN_HOURS_MIN),
        max_value: String(COOLDOWN_HOURS_MAX),
        initial_value: String(settings.cooldownHours),
      },
    },
    {
      type: 'input',
      block_id: BlockId.settingsExpiryWarningDays,
      label: plain('Expiry warnings, in days before'),
      hint: plain(
        'Comma-separated, like 30,7,1: relink warns that many days before an authorization expires.',
      ),
      element: {
        type: 'plain_text_input',
        action_id: ActionId.settingsExpiryWarningDays,
        initial_value: formatExpiryWarningDays(settings.expiryWarningDays),
        max_length: 50,
      },
    },
    ...reminderSettingsInputs(remindersOf(settings)),
    { type: 'divider' },
    section(`*UtilityAPI*\n${utilityApiStatusWords(form)}`),
    ...utilityApiBlocks(form),
  ];
  return {
    type: 'modal',
    callback_id: CallbackId.workspaceSettings,
    title: plain(SETTINGS_TITLE),
    submit: plain('Save'),
    close: plain('Cancel'),
    private_metadata: settingsMeta.encode({ v: 1, workspaceId: form.workspaceId }),
    blocks,
  };
}

function whoMayActInput(current: WhoMayAct): KnownBlock {
  const option = (kind: WhoMayAct['kind']): PlainTextOption => ({
    text: plain(WHO_MAY_ACT_WORDS[kind]),
    value: kind,
  });
  return {
    type: 'input',
    block_id: BlockId.settingsWhoMayAct,
    label: plain('Who can ask customers to reauthorize'),
    hint: plain('Guests and people from other organizations never can, whatever is chosen here.'),
    element: {
      type: 'radio_buttons',
      action_id: ActionId.settingsWhoMayAct,
      options: WHO_MAY_ACT_KINDS.map(option),
      initial_option: option(current.kind),
    },
  };
}

function usergroupInput(current: WhoMayAct, usergroups: readonly UsergroupChoice[] | null): InputBlock {
  const currentId = current.kind === 'usergroup' ? current.usergroupId : null;
  const common = {
    type: 'input' as const,
    block_id: BlockId.settingsUsergroup,
    optional: true,
    label: plain('User group'),
  };
  if (usergroups && usergroups.length > 0 && usergroups.length <= MAX_USERGROUP_OPTIONS) {
    const options = usergroups.map(usergroupOption);
    const initial = options.find((o) => o.value === currentId);
    return {
      ...common,
      hint: plain('Used with “Members of a user group”.'),
      element: {
        type: 'static_select',
        action_id: ActionId.settingsUsergroup,
        placeholder: plain('Choose a user group'),
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    };
  }
  const why =
    usergroups === null
      ? 'relink couldn’t list this workspace’s user groups'
      : 'Too many user groups to list';
  return {
    ...common,
    hint: plain(`Used with “Members of a user group”. ${why}: enter the group’s id (S…).`),
    element: {
      type: 'plain_text_input',
      action_id: ActionId.settingsUsergroup,
      placeholder: plain('S0123456789'),
      max_length: 30,
      ...(currentId ? { initial_value: currentId } : {}),
    },
  };
}

const usergroupOption = (group: UsergroupChoice): PlainTextOption => ({
  text: plain(clip(group.handle ? `${group.name} (@${group.handle})` : group.name, 75)),
  value: group.id,
});

function utilityApiStatusWords(form: SettingsForm): string {
  const status = form.utilityApi.connected
    ? `Connected on ${formatDay(form.utilityApi.connectedAt)}.`
    : 'Not connected to this workspace yet.';
  const env = form.utilityApiFromEnv
    ? ' relink uses the UtilityAPI token from its environment (UTILITYAPI_TOKEN) while that is set.'
    : '';
  return `${status}${env}`;
}

function utilityApiBlocks(form: SettingsForm): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (!form.canStoreSecrets) {
    blocks.push(
      context(
        ':lock: To connect UtilityAPI here, whoever runs relink must set RELINK_ENCRYPTION_KEY: relink only stores tokens encrypted.',
      ),
    );
  } else {
    const keep = form.utilityApi.connected ? 'Leave blank to keep the saved one. ' : '';
    blocks.push(
      secretInput(
        BlockId.settingsUtilityApiToken,
        ActionId.settingsUtilityApiToken,
        'UtilityAPI API token',
        keep,
      ),
      secretInput(
        BlockId.settingsUtilityApiWebhookSecret,
        ActionId.settingsUtilityApiWebhookSecret,
        'UtilityAPI webhook secret',
        keep,
      ),
    );
  }
  if (form.utilityApi.connected) blocks.push(...webhookBlocks(form.utilityApi.webhook));
  return blocks;
}

// Never prefilled: a saved token or secret is never sent back to Slack.
const secretInput = (blockId: string, actionId: string, label: string, keep: string): KnownBlock => ({
  type: 'input',
  block_id: blockId,
  optional: true,
  label: plain(label),
  hint: plain(`${keep}Stored encrypted and never shown again.`),
  element: { type: 'plain_text_input', action_id: actionId, max_length: SECRET_MAX_CHARS },
});

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text });
const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
