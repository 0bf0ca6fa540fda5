import {
  SETTINGS_FIELD_MESSAGES,
  settingsRefusedView,
  settingsSavedView,
  settingsTroubleView,
} from '../../blocks/settings-outcomes';
import { CallbackId } from '../../src/slack/ids';
import { allText } from '../support/block-kit';
import { validateView } from '../support/block-kit-validator';

const WEBHOOK_PATH = '/webhooks/utilityapi/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';

describe('what Settings answers', () => {
  it('refuses non-admins in the access refusals’ words: why, and who can help', () => {
    const refused = settingsRefusedView();
    expect(refused.callback_id).toBe(CallbackId.settingsUnavailable);
    expect(allText(refused.blocks)).toContain(
      'Only workspace admins and owners, and the person who installed relink',
    );
    expect(allText(refused.blocks)).toContain('Ask a workspace admin');
  });

  it('after connecting, shows the URL to paste into UtilityAPI, or the path and what goes in front', () => {
    const withUrl = settingsSavedView({
      path: WEBHOOK_PATH,
      url: `https://relink.example.com${WEBHOOK_PATH}`,
    });
    expect(allText(withUrl.blocks)).toContain(`\`https://relink.example.com${WEBHOOK_PATH}\``);
    expect(withUrl.submit).toBeUndefined();
    const pathOnly = allText(settingsSavedView({ path: WEBHOOK_PATH, url: null }).blocks);
    expect(pathOnly).toContain(`\`${WEBHOOK_PATH}\``);
    expect(pathOnly).toContain('RELINK_PUBLIC_URL');
  });

  it('says what went wrong on relink’s side, with a next step', () => {
    expect(allText(settingsTroubleView('check_failed').blocks)).toContain('Try again in a minute');
    expect(allText(settingsTroubleView('not_saved').blocks)).toContain('Open Settings again');
  });

  it('keeps field errors short enough to read under a field', () => {
    for (const words of Object.values(SETTINGS_FIELD_MESSAGES)) expect(words.length).toBeLessThan(100);
  });

  it('passes the strict Block Kit validator', () => {
    const shapes = [
      settingsSavedView({ path: WEBHOOK_PATH, url: null }),
      settingsSavedView({ path: WEBHOOK_PATH, url: `https://relink.example.com${WEBHOOK_PATH}` }),
      settingsRefusedView(),
      settingsTroubleView('check_failed'),
      settingsTroubleView('not_opened'),
      settingsTroubleView('not_saved'),
    ];
    for (const shape of shapes) expect(validateView(shape)).toEqual([]);
  });
});
