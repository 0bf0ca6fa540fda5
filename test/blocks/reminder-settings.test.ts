import { REMINDER_SETTINGS_WORDS, reminderSettingsInputs } from '../../blocks/reminder-settings';
import { settingsView } from '../../blocks/settings-view';
import { ActionId, BlockId } from '../../src/slack/ids';
import { parseSettingsSubmission } from '../../src/slack/settings-form';
import { findInput } from '../support/block-kit';
import { viewProblems } from '../support/block-kit-validator';

/** The Settings modal's state, every field valid, with the reminder fields as given (absent: left out). */
function values(reminders?: { afterDays: string; max: string }) {
  const field = (block: string, action: string, value: unknown) => ({ [block]: { [action]: value } });
  return {
    ...field(BlockId.settingsAlertChannel, ActionId.settingsAlertChannel, {
      type: 'conversations_select',
      selected_conversation: 'C0ALERTS01',
    }),
    ...field(BlockId.settingsWhoMayAct, ActionId.settingsWhoMayAct, {
      type: 'radio_buttons',
      selected_option: { value: 'everyone_but_guests' },
    }),
    ...field(BlockId.settingsCooldownHours, ActionId.settingsCooldownHours, {
      type: 'number_input',
      value: '24',
    }),
    ...field(BlockId.settingsExpiryWarningDays, ActionId.settingsExpiryWarningDays, {
      type: 'plain_text_input',
      value: '30,7,1',
    }),
    ...(reminders
      ? {
          ...field(BlockId.settingsReminderAfterDays, ActionId.settingsReminderAfterDays, {
            type: 'number_input',
            value: reminders.afterDays,
          }),
          ...field(BlockId.settingsMaxReminders, ActionId.settingsMaxReminders, {
            type: 'number_input',
            value: reminders.max,
          }),
        }
      : {}),
  };
}

describe('the reminder settings', () => {
  it('shows the setting in effect as two whole-number inputs', () => {
    const blocks = reminderSettingsInputs({ afterDays: 4, max: 1 });
    expect(blocks.map((b) => b.element.type)).toEqual(['number_input', 'number_input']);
    expect(findInput(blocks, BlockId.settingsReminderAfterDays)?.element).toMatchObject({
      initial_value: '4',
      min_value: '1',
      max_value: '30',
    });
    expect(findInput(blocks, BlockId.settingsMaxReminders)?.element).toMatchObject({ initial_value: '1' });
  });

  it('are part of a valid Settings modal, with the defaults when none were chosen', () => {
    const view = settingsView({
      form: {
        workspaceId: 'T0ONE',
        settings: {
          alertChannel: 'C0ALERTS01',
          whoMayAct: { kind: 'everyone_but_guests' },
          cooldownHours: 24,
          expiryWarningDays: [30, 7, 1],
        },
        utilityApi: { connected: false },
        canStoreSecrets: true,
        utilityApiFromEnv: false,
      },
      usergroups: [],
    });
    expect(findInput(view.blocks, BlockId.settingsReminderAfterDays)?.element).toMatchObject({
      initial_value: '3',
    });
    expect(findInput(view.blocks, BlockId.settingsMaxReminders)?.element).toMatchObject({
      initial_value: '2',
    });
    expect(viewProblems(view)).toEqual([]);
  });

  it('are read from a submission', () => {
    const parsed = parseSettingsSubmission(values({ afterDays: '5', max: '0' }));
    expect(parsed).toMatchObject({ ok: true, change: { settings: { reminders: { afterDays: 5, max: 0 } } } });
  });

  it('are left as they are by a modal opened before they existed', () => {
    const parsed = parseSettingsSubmission(values());
    expect(parsed.ok && parsed.change.settings).not.toHaveProperty('reminders');
  });

  it('flag each field that is out of range', () => {
    expect(parseSettingsSubmission(values({ afterDays: '0', max: '9' }))).toEqual({
      ok: false,
      errors: {
        [BlockId.settingsReminderAfterDays]: REMINDER_SETTINGS_WORDS.afterDaysInvalid,
        [BlockId.settingsMaxReminders]: REMINDER_SETTINGS_WORDS.maxInvalid,
      },
    });
  });
});
