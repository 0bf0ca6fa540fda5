import { z } from 'zod';
import { REMINDER_SETTINGS_WORDS } from '../../blocks/reminder-settings';
import { SETTINGS_FIELD_MESSAGES as M } from '../../blocks/settings-outcomes';
import { parseReminderSettings, type ReminderSettings } from '../domain/reminders';
import { parseCooldownHours, parseExpiryWarningDays } from '../domain/settings-input';
import { WHO_MAY_ACT_KINDS, type WhoMayAct } from '../domain/workspace';
import type { SettingsChange } from '../workspaces/settings-service';
import { ActionId, BlockId, type BlockIdValue } from './ids';

// The part of `view.state.values` the Settings modal's elements fill in; anything else is ignored.
const StateValuesSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z.looseObject({
      value: z.string().nullish(),
      selected_conversation: z.string().nullish(),
      selected_option: z.looseObject({ value: z.string() }).nullish(),
    }),
  ),
);

// Slack ids, so a forged submission cannot store markup or anything else as a channel or group.
const CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;
const USERGROUP_ID = /^S[A-Z0-9]{2,30}$/;
// What UTILITYAPI_TOKEN and UTILITYAPI_WEBHOOK_SECRET accept (src/config.ts), without whitespace.
const SECRET = /^\S{8,500}$/;

export type ParsedSettings =
  | { ok: true; change: SettingsChange }
  | { ok: false; errors: Partial<Record<BlockIdValue, string>> };

/**
 * Reads and checks the Settings modal from a view_submission's `view.state.values`. Errors are keyed by
 * block id, ready for `{ response_action: 'errors', errors }`. A token or secret left blank is null:
 * the stored one is kept.
 */
export function parseSettingsSubmission(stateValues: unknown): ParsedSettings {
  const parsed = StateValuesSchema.safeParse(stateValues);
  const values = parsed.success ? parsed.data : {};
  const field = (block: BlockIdValue, action: string) => values[block]?.[action];
  const text = (block: BlockIdValue, action: string) => (field(block, action)?.value ?? '').trim();
  const errors: Partial<Record<BlockIdValue, string>> = {};

  const alertChannel = field(
    BlockId.settingsAlertChannel,
    ActionId.settingsAlertChannel,
  )?.selected_conversation;
  if (!alertChannel || !CHANNEL_ID.test(alertChannel))
    errors[BlockId.settingsAlertChannel] = M.alertChannelMissing;

  const whoMayAct = readWhoMayAct(
    field(BlockId.settingsWhoMayAct, ActionId.settingsWhoMayAct)?.selected_option?.value,
    field(BlockId.settingsUsergroup, ActionId.settingsUsergroup),
    errors,
  );

  const cooldown = parseCooldownHours(text(BlockId.settingsCooldownHours, ActionId.settingsCooldownHours));
  if (!cooldown.ok) {
    errors[BlockId.settingsCooldownHours] = {
      not_whole: M.cooldownNotWhole,
      negative: M.cooldownNegative,
      too_large: M.cooldownTooLarge,
    }[cooldown.problem];
  }

  const days = parseExpiryWarningDays(
    text(BlockId.settingsExpiryWarningDays, ActionId.settingsExpiryWarningDays),
  );
  if (!days.ok) {
    errors[BlockId.settingsExpiryWarningDays] = {
      not_a_list: M.expiryNotAList,
      out_of_range: M.expiryOutOfRange,
      too_many: M.expiryTooMany,
    }[days.problem];
  }

  const reminders = readReminders(text, errors);

  const secret = (block: BlockIdValue, action: string, message: string): string | null => {
    const value = text(block, action);
    if (value === '') return null;
    if (!SECRET.test(value)) errors[block] = message;
    return value;
  };
  const token = secret(BlockId.settingsUtilityApiToken, ActionId.settingsUtilityApiToken, M.tokenInvalid);
  const webhookSecret = secret(
    BlockId.settingsUtilityApiWebhookSecret,
    ActionId.settingsUtilityApiWebhookSecret,
    M.webhookSecretInvalid,
  );

  if (Object.keys(errors).length > 0 || !alertChannel || !whoMayAct || !cooldown.ok || !days.ok) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    change: {
      settings: {
        alertChannel,
        whoMayAct,
        cooldownHours: cooldown.hours,
        expiryWarningDays: days.days,
        ...(reminders ? { reminders } : {}),
      },
      utilityApi: { token, webhookSecret },
    },
  };
}

/** The reminder fields; absent from a modal opened before they existed, and then left as they are. */
function readReminders(
  text: (block: BlockIdValue, action: string) => string,
  errors: Partial<Record<BlockIdValue, string>>,
): ReminderSettings | undefined {
  const afterDays = text(BlockId.settingsReminderAfterDays, ActionId.settingsReminderAfterDays);
  const max = text(BlockId.settingsMaxReminders, ActionId.settingsMaxReminders);
  if (afterDays === '' && max === '') return undefined;
  const parsed = parseReminderSettings(afterDays, max);
  if (parsed.ok) return parsed.settings;
  if (parsed.problems.includes('after_days_out_of_range'))
    errors[BlockId.settingsReminderAfterDays] = REMINDER_SETTINGS_WORDS.afterDaysInvalid;
  if (parsed.problems.includes('max_out_of_range'))
    errors[BlockId.settingsMaxReminders] = REMINDER_SETTINGS_WORDS.maxInvalid;
  return undefined;
}

function readWhoMayAct(
  kind: string | undefined,
  usergroup: { value?: string | null; selected_option?: { value: string } | null } | undefined,
  errors: Partial<Record<BlockIdValue, string>>,
): WhoMayAct | null {
  switch (WHO_MAY_ACT_KINDS.find((k) => k === kind)) {
    case 'everyone_but_guests':
      return { kind: 'everyone_but_guests' };
    case 'channel_members':
      return { kind: 'channel_members' };
    case 'usergroup': {
      // The list's choice, or the id typed when Slack could not list the groups.
      const id = (usergroup?.selected_option?.value ?? usergroup?.value ?? '').trim();
      if (id === '') errors[BlockId.settingsUsergroup] = M.usergroupMissing;
      else if (!USERGROUP_ID.test(id)) errors[BlockId.settingsUsergroup] = M.usergroupInvalid;
      else return { kind: 'usergroup', usergroupId: id };
      return null;
    }
    default:
      errors[BlockId.settingsWhoMayAct] = M.whoMayActMissing;
      return null;
  }
}
