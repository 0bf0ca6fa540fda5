import { SETTINGS_FIELD_MESSAGES as M } from '../../blocks/settings-outcomes';
import { ActionId, BlockId } from '../../src/slack/ids';
import { parseSettingsSubmission } from '../../src/slack/settings-form';

/** `view.state.values` as Slack sends them for the Settings modal; `over` replaces whole fields. */
function values(over: Record<string, unknown> = {}) {
  const fields: Record<string, [string, unknown]> = {
    [BlockId.settingsAlertChannel]: [
      ActionId.settingsAlertChannel,
      { type: 'conversations_select', selected_conversation: 'C0ALERTS01' },
    ],
    [BlockId.settingsWhoMayAct]: [
      ActionId.settingsWhoMayAct,
      {
        type: 'radio_buttons',
        selected_option: { value: 'channel_members', text: { type: 'plain_text', text: 'x' } },
      },
    ],
    [BlockId.settingsUsergroup]: [
      ActionId.settingsUsergroup,
      { type: 'static_select', selected_option: null },
    ],
    [BlockId.settingsCooldownHours]: [ActionId.settingsCooldownHours, { type: 'number_input', value: '48' }],
    [BlockId.settingsExpiryWarningDays]: [
      ActionId.settingsExpiryWarningDays,
      { type: 'plain_text_input', value: '7, 30' },
    ],
    [BlockId.settingsUtilityApiToken]: [
      ActionId.settingsUtilityApiToken,
      { type: 'plain_text_input', value: null },
    ],
    [BlockId.settingsUtilityApiWebhookSecret]: [
      ActionId.settingsUtilityApiWebhookSecret,
      { type: 'plain_text_input', value: null },
    ],
  };
  return Object.fromEntries(
    Object.entries(fields).map(([block, [action, value]]) => [block, { [action]: over[block] ?? value }]),
  );
}
const radio = (value: string) => ({ type: 'radio_buttons', selected_option: { value } });
const text = (value: string | null, type = 'plain_text_input') => ({ type, value });

describe('reading the Settings modal', () => {
  it('reads every field; a blank token and secret keep the stored ones', () => {
    expect(parseSettingsSubmission(values())).toEqual({
      ok: true,
      change: {
        settings: {
          alertChannel: 'C0ALERTS01',
          whoMayAct: { kind: 'channel_members' },
          cooldownHours: 48,
          expiryWarningDays: [30, 7],
        },
        utilityApi: { token: null, webhookSecret: null },
      },
    });
  });

  it('reads a user group from the list, or as typed when Slack could not list them', () => {
    const listed = parseSettingsSubmission(
      values({
        [BlockId.settingsWhoMayAct]: radio('usergroup'),
        [BlockId.settingsUsergroup]: { type: 'static_select', selected_option: { value: 'S0BILLING1' } },
      }),
    );
    expect(listed).toMatchObject({
      ok: true,
      change: { settings: { whoMayAct: { kind: 'usergroup', usergroupId: 'S0BILLING1' } } },
    });
    const typed = parseSettingsSubmission(
      values({
        [BlockId.settingsWhoMayAct]: radio('usergroup'),
        [BlockId.settingsUsergroup]: text(' S0TYPED001 '),
      }),
    );
    expect(typed).toMatchObject({
      ok: true,
      change: { settings: { whoMayAct: { usergroupId: 'S0TYPED001' } } },
    });
  });

  it('takes a token and secret trimmed, and ignores a group when the policy is not a group', () => {
    const parsed = parseSettingsSubmission(
      values({
        [BlockId.settingsUtilityApiToken]: text('  ua-token-0123456789 '),
        [BlockId.settingsUtilityApiWebhookSecret]: text('whsec-0123456789'),
        [BlockId.settingsUsergroup]: text('not a group'),
      }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      change: { utilityApi: { token: 'ua-token-0123456789', webhookSecret: 'whsec-0123456789' } },
    });
  });

  it.each([
    [
      'a user-group policy without a group',
      { [BlockId.settingsWhoMayAct]: radio('usergroup') },
      BlockId.settingsUsergroup,
      M.usergroupMissing,
    ],
    [
      'a group that is not a group id',
      { [BlockId.settingsWhoMayAct]: radio('usergroup'), [BlockId.settingsUsergroup]: text('<!channel>') },
      BlockId.settingsUsergroup,
      M.usergroupInvalid,
    ],
    [
      'a negative cooldown',
      { [BlockId.settingsCooldownHours]: text('-1', 'number_input') },
      BlockId.settingsCooldownHours,
      M.cooldownNegative,
    ],
    [
      'a cooldown of 1.5 hours',
      { [BlockId.settingsCooldownHours]: text('1.5', 'number_input') },
      BlockId.settingsCooldownHours,
      M.cooldownNotWhole,
    ],
    [
      'a cooldown past 30 days',
      { [BlockId.settingsCooldownHours]: text('721', 'number_input') },
      BlockId.settingsCooldownHours,
      M.cooldownTooLarge,
    ],
    [
      'a bad days list',
      { [BlockId.settingsExpiryWarningDays]: text('30;7') },
      BlockId.settingsExpiryWarningDays,
      M.expiryNotAList,
    ],
    [
      'a day past a year',
      { [BlockId.settingsExpiryWarningDays]: text('400') },
      BlockId.settingsExpiryWarningDays,
      M.expiryOutOfRange,
    ],
    [
      'no alert channel',
      { [BlockId.settingsAlertChannel]: { type: 'conversations_select', selected_conversation: null } },
      BlockId.settingsAlertChannel,
      M.alertChannelMissing,
    ],
    [
      'a channel that is not a channel id',
      { [BlockId.settingsAlertChannel]: { type: 'conversations_select', selected_conversation: '<#C1|x>' } },
      BlockId.settingsAlertChannel,
      M.alertChannelMissing,
    ],
    [
      'an unknown policy',
      { [BlockId.settingsWhoMayAct]: radio('anyone_at_all') },
      BlockId.settingsWhoMayAct,
      M.whoMayActMissing,
    ],
    [
      'a token with a space in it',
      { [BlockId.settingsUtilityApiToken]: text('ua token 0123') },
      BlockId.settingsUtilityApiToken,
      M.tokenInvalid,
    ],
    [
      'a short secret',
      { [BlockId.settingsUtilityApiWebhookSecret]: text('short') },
      BlockId.settingsUtilityApiWebhookSecret,
      M.webhookSecretInvalid,
    ],
  ])('puts %s on its own field', (_name, over, block, message) => {
    expect(parseSettingsSubmission(values(over))).toEqual({ ok: false, errors: { [block]: message } });
  });

  it('reports every bad field at once, and survives state that is not Slack’s shape', () => {
    const parsed = parseSettingsSubmission(
      values({
        [BlockId.settingsCooldownHours]: text('-5', 'number_input'),
        [BlockId.settingsExpiryWarningDays]: text(''),
      }),
    );
    expect(parsed.ok ? [] : Object.keys(parsed.errors).sort()).toEqual(
      [BlockId.settingsCooldownHours, BlockId.settingsExpiryWarningDays].sort(),
    );
    expect(parseSettingsSubmission('nonsense')).toMatchObject({ ok: false });
  });
});
