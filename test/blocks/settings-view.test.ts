import type {
  AnyBlock,
  ConversationsSelect,
  InputBlock,
  NumberInput,
  PlainTextInput,
  RadioButtons,
  StaticSelect,
} from '@slack/types';
import { type SettingsViewInput, settingsView, type UsergroupChoice } from '../../blocks/settings-view';
import { BlockId, CallbackId } from '../../src/slack/ids';
import { settingsMeta } from '../../src/slack/metadata';
import type { SettingsForm } from '../../src/workspaces/settings-service';
import { allText, findInput } from '../support/block-kit';
import { validateView } from '../support/block-kit-validator';

const WEBHOOK_PATH = '/webhooks/utilityapi/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';

const form = (over: Partial<SettingsForm> = {}): SettingsForm => ({
  workspaceId: 'T0RELINK01',
  settings: {
    alertChannel: 'C0ALERTS01',
    whoMayAct: { kind: 'everyone_but_guests' },
    cooldownHours: 24,
    expiryWarningDays: [30, 7, 1],
  },
  utilityApi: { connected: false },
  canStoreSecrets: true,
  utilityApiFromEnv: false,
  ...over,
});
const connected = (url: string | null): SettingsForm['utilityApi'] => ({
  connected: true,
  connectedAt: new Date('2026-03-12T15:00:00Z'),
  webhook: { path: WEBHOOK_PATH, url },
});
const groups: UsergroupChoice[] = [
  { id: 'S0BILLING1', name: 'Billing', handle: 'billing' },
  { id: 'S0SUPPORT1', name: 'Support', handle: null },
];
const view = (input: Partial<SettingsViewInput> & { form?: SettingsForm } = {}) =>
  settingsView({
    form: input.form ?? form(),
    usergroups: input.usergroups === undefined ? groups : input.usergroups,
  });

const input = (blocks: AnyBlock[], blockId: string): InputBlock => {
  const found = findInput(blocks, blockId);
  if (!found) throw new Error(`no input ${blockId}`);
  return found;
};
const element = <T>(blocks: AnyBlock[], blockId: string): T => input(blocks, blockId).element as T;

describe('settingsView', () => {
  it('is prefilled with what is in effect: channel, who may act, cooldown, expiry days', () => {
    const { blocks } = view({
      form: form({
        settings: {
          alertChannel: 'C0ALERTS01',
          whoMayAct: { kind: 'usergroup', usergroupId: 'S0SUPPORT1' },
          cooldownHours: 48,
          expiryWarningDays: [14, 3],
        },
      }),
    });
    expect(element<ConversationsSelect>(blocks, BlockId.settingsAlertChannel).initial_conversation).toBe(
      'C0ALERTS01',
    );
    expect(element<RadioButtons>(blocks, BlockId.settingsWhoMayAct).initial_option?.value).toBe('usergroup');
    expect(element<StaticSelect>(blocks, BlockId.settingsUsergroup).initial_option?.value).toBe('S0SUPPORT1');
    expect(element<NumberInput>(blocks, BlockId.settingsCooldownHours)).toMatchObject({
      initial_value: '48',
      min_value: '0',
      is_decimal_allowed: false,
    });
    expect(element<PlainTextInput>(blocks, BlockId.settingsExpiryWarningDays).initial_value).toBe('14,3');
  });

  it('offers only channels of this workspace: none shared with another organisation', () => {
    const channel = element<ConversationsSelect>(view().blocks, BlockId.settingsAlertChannel);
    expect(channel.filter).toMatchObject({
      include: ['public', 'private'],
      exclude_external_shared_channels: true,
    });
  });

  it('lists the user groups, or asks for a group id when Slack could not list them', () => {
    const listed = element<StaticSelect>(view().blocks, BlockId.settingsUsergroup);
    expect(listed.options?.map((o) => [o.value, o.text.text])).toEqual([
      ['S0BILLING1', 'Billing (@billing)'],
      ['S0SUPPORT1', 'Support'],
    ]);
    const current = form({
      settings: { ...form().settings, whoMayAct: { kind: 'usergroup', usergroupId: 'S0TYPED001' } },
    });
    const typed = view({ form: current, usergroups: null });
    expect(element<PlainTextInput>(typed.blocks, BlockId.settingsUsergroup)).toMatchObject({
      type: 'plain_text_input',
      initial_value: 'S0TYPED001',
    });
    expect(allText(typed.blocks)).toContain('couldn’t list this workspace’s user groups');
    const many = Array.from({ length: 101 }, (_, i) => ({ id: `S0G${i}`, name: `Group ${i}`, handle: null }));
    expect(element<PlainTextInput>(view({ usergroups: many }).blocks, BlockId.settingsUsergroup).type).toBe(
      'plain_text_input',
    );
  });

  it('asks for the UtilityAPI token and secret empty, and says a blank keeps the saved ones', () => {
    const fresh = view();
    for (const block of [BlockId.settingsUtilityApiToken, BlockId.settingsUtilityApiWebhookSecret]) {
      expect(input(fresh.blocks, block).optional).toBe(true);
      expect(element<PlainTextInput>(fresh.blocks, block).initial_value).toBeUndefined();
    }
    expect(allText(fresh.blocks)).toContain('Not connected to this workspace yet');
    expect(allText(fresh.blocks)).not.toContain('Leave blank to keep');
    const again = view({ form: form({ utilityApi: connected(null) }) });
    expect(allText(again.blocks)).toContain(
      'Leave blank to keep the saved one. Stored encrypted and never shown again.',
    );
  });

  it('without RELINK_ENCRYPTION_KEY has no token fields, and says why', () => {
    const { blocks } = view({ form: form({ canStoreSecrets: false }) });
    expect(findInput(blocks, BlockId.settingsUtilityApiToken)).toBeUndefined();
    expect(findInput(blocks, BlockId.settingsUtilityApiWebhookSecret)).toBeUndefined();
    expect(allText(blocks)).toContain('must set RELINK_ENCRYPTION_KEY');
  });

  it('shows the webhook URL once connected, or the path to put relink’s address in front of', () => {
    const withUrl = allText(
      view({ form: form({ utilityApi: connected(`https://relink.example.com${WEBHOOK_PATH}`) }) }).blocks,
    );
    expect(withUrl).toContain(`\`https://relink.example.com${WEBHOOK_PATH}\``);
    const pathOnly = allText(view({ form: form({ utilityApi: connected(null) }) }).blocks);
    expect(pathOnly).toContain(`\`${WEBHOOK_PATH}\``);
    expect(pathOnly).toContain('Put relink’s public address in front of this path');
    expect(pathOnly).toContain('RELINK_PUBLIC_URL');
    expect(allText(view().blocks)).not.toContain('/webhooks/utilityapi/');
  });

  it('says when the environment’s UtilityAPI token is the one in use', () => {
    expect(allText(view({ form: form({ utilityApiFromEnv: true }) }).blocks)).toContain('UTILITYAPI_TOKEN');
  });

  it('names its workspace in private_metadata and nothing else', () => {
    const modal = view();
    expect(modal.callback_id).toBe(CallbackId.workspaceSettings);
    expect(settingsMeta.decode(modal.private_metadata)).toEqual({ v: 1, workspaceId: 'T0RELINK01' });
  });

  it('passes the strict Block Kit validator in every shape', () => {
    const shapes = [
      view(),
      view({ usergroups: null }),
      view({ usergroups: [] }),
      view({ form: form({ settings: { ...form().settings, alertChannel: null }, canStoreSecrets: false }) }),
      view({
        form: form({
          utilityApi: connected(`https://relink.example.com${WEBHOOK_PATH}`),
          utilityApiFromEnv: true,
        }),
      }),
      view({ usergroups: [{ id: 'S0LONG0001', name: 'n'.repeat(200), handle: 'h'.repeat(80) }] }),
    ];
    for (const shape of shapes) expect(validateView(shape)).toEqual([]);
  });

  it('escapes the public address, which comes from configuration, before it reaches mrkdwn', () => {
    const odd = form({ utilityApi: connected('https://relink.example.com/<!channel>&x') });
    expect(allText(view({ form: odd }).blocks)).toContain(
      'https://relink.example.com/&lt;!channel&gt;&amp;x',
    );
  });
});
