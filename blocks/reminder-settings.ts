import type { InputBlock, PlainTextElement } from '@slack/types';
import {
  MAX_REMINDERS_LIMIT,
  REMINDER_AFTER_DAYS_MAX,
  REMINDER_AFTER_DAYS_MIN,
  type ReminderSettings,
} from '../src/domain/reminders';
import { ActionId, BlockId } from '../src/slack/ids';

/** The Settings modal's reminder fields: labels, hints and what a bad value is told. */
export const REMINDER_SETTINGS_WORDS = {
  afterDaysLabel: 'Days before reminding a customer',
  afterDaysHint: `Counted from the email, then from each reminder, while the customer has not relinked. ${REMINDER_AFTER_DAYS_MIN} to ${REMINDER_AFTER_DAYS_MAX}.`,
  maxLabel: 'Reminders before "no response"',
  maxHint: `Each reminder has a fresh reauthorization link. 0 to ${MAX_REMINDERS_LIMIT}; 0 sends none.`,
  afterDaysInvalid: `Enter whole days from ${REMINDER_AFTER_DAYS_MIN} to ${REMINDER_AFTER_DAYS_MAX}`,
  maxInvalid: `Enter a whole number from 0 to ${MAX_REMINDERS_LIMIT}`,
} as const;

const W = REMINDER_SETTINGS_WORDS;

/**
 * The two reminder inputs of the Settings modal, showing the setting in effect. Optional: both left
 * blank keep the setting as it is (as a modal from before they existed does).
 */
export function reminderSettingsInputs(settings: ReminderSettings): InputBlock[] {
  return [
    {
      type: 'input',
      block_id: BlockId.settingsReminderAfterDays,
      optional: true,
      label: plain(W.afterDaysLabel),
      hint: plain(W.afterDaysHint),
      element: {
        type: 'number_input',
        action_id: ActionId.settingsReminderAfterDays,
        is_decimal_allowed: false,
        min_value: String(REMINDER_AFTER_DAYS_MIN),
        max_value: String(REMINDER_AFTER_DAYS_MAX),
        initial_value: String(settings.afterDays),
      },
    },
    {
      type: 'input',
      block_id: BlockId.settingsMaxReminders,
      optional: true,
      label: plain(W.maxLabel),
      hint: plain(W.maxHint),
      element: {
        type: 'number_input',
        action_id: ActionId.settingsMaxReminders,
        is_decimal_allowed: false,
        min_value: '0',
        max_value: String(MAX_REMINDERS_LIMIT),
        initial_value: String(settings.max),
      },
    },
  ];
}

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text });
