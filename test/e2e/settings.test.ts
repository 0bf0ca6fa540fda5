import { randomBytes } from 'node:crypto';
import type { ViewOutput } from '@slack/bolt';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { ActionId, BlockId, CallbackId } from '../../src/slack/ids';
import { SLACK_CONTRACT } from '../../src/slack/manifest-contract';
import { allText, findButton } from '../support/block-kit';
import { E2E, useE2eRelink } from '../support/e2e-relink';
import { eventually } from '../support/eventually';
import type { SlackActor } from '../support/slack-signing';
import { utilityApiTime } from '../support/utilityapi-standin';

/*
 * Settings, end to end: relink started as `npm start` would (single-workspace mode, no UtilityAPI in
 * env), an admin connecting the workspace's UtilityAPI account and narrowing who may act from the App
 * Home, UtilityAPI then posting to the URL Settings showed, and the saved policy deciding who may open
 * the resulting notice's form.
 */

const TEAM = E2E.team;
const ALERTS = E2E.channel;
const BILLING = 'S0BILLING5';
const UA_TOKEN = 'ua-token-e2e-settings-55';
const UA_SECRET = 'ua-secret-e2e-settings-55';

const admin: SlackActor = { userId: 'U0ADMIN55', teamId: TEAM };
const carol: SlackActor = { userId: 'U0CAROL55', teamId: TEAM };
const bob: SlackActor = { userId: 'U0BOB0055', teamId: TEAM };

describe('Settings, end to end', () => {
  // As `npm start` would: no SendGrid and no UtilityAPI account in env, an encryption key, a public URL.
  const e2e = useE2eRelink('e2e_settings', {
    slack: {
      scopes: SLACK_CONTRACT.scopes,
      users: [{ id: admin.userId, isAdmin: true }, { id: carol.userId }, { id: bob.userId }],
      channels: [{ id: ALERTS, members: [admin.userId, carol.userId, bob.userId] }],
      usergroups: [{ id: BILLING, name: 'Billing', handle: 'billing', users: [carol.userId] }],
    },
    utilityApiToken: UA_TOKEN,
    env: {
      SENDGRID_API_KEY: undefined,
      SENDGRID_FROM_EMAIL: undefined,
      SENDGRID_FROM_NAME: undefined,
      SENDGRID_API_URL: undefined,
      UTILITYAPI_TOKEN: undefined,
      UTILITYAPI_WEBHOOK_SECRET: undefined,
      RELINK_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      RELINK_PUBLIC_URL: 'https://relink.example.com/',
    },
  });
  const { slack, utilityapi, openHome, openedView } = e2e;
  const click = (actor: SlackActor, source: Parameters<typeof e2e.click>[0], actionId: string) =>
    e2e.click(source, actionId, { actor });
  const submit = (
    actor: SlackActor,
    view: Parameters<typeof e2e.submit>[0],
    values: Parameters<typeof e2e.submit>[1],
  ) => e2e.submit(view, values, { actor });
  const homeOf = (actor: SlackActor) =>
    eventually(() => slack.views.homeByUser.get(actor.userId)?.output, `${actor.userId}’s Home`);

  it('an admin connects UtilityAPI and narrows who may act; both take effect at once', async () => {
    // Only the admin's Home has the button.
    await openHome(bob);
    expect(findButton((await homeOf(bob)).blocks, ActionId.openSettings)).toBeUndefined();
    await openHome(admin);
    const home = await homeOf(admin);
    let from = slack.calls.length;
    await click(admin, { view: home }, ActionId.openSettings);
    const settings = await openedView(from);
    expect(settings.callback_id).toBe(CallbackId.workspaceSettings);

    const option = (value: string) => ({ value, text: { type: 'plain_text' as const, text: value } });
    const saved = await submit(admin, settings, {
      [BlockId.settingsAlertChannel]: {
        [ActionId.settingsAlertChannel]: { type: 'conversations_select', selected_conversation: ALERTS },
      },
      [BlockId.settingsWhoMayAct]: {
        [ActionId.settingsWhoMayAct]: { type: 'radio_buttons', selected_option: option('usergroup') },
      },
      [BlockId.settingsUsergroup]: {
        [ActionId.settingsUsergroup]: { type: 'static_select', selected_option: option(BILLING) },
      },
      [BlockId.settingsCooldownHours]: {
        [ActionId.settingsCooldownHours]: { type: 'number_input', value: '24' },
      },
      [BlockId.settingsExpiryWarningDays]: {
        [ActionId.settingsExpiryWarningDays]: { type: 'plain_text_input', value: '30,7,1' },
      },
      [BlockId.settingsUtilityApiToken]: {
        [ActionId.settingsUtilityApiToken]: { type: 'plain_text_input', value: UA_TOKEN },
      },
      [BlockId.settingsUtilityApiWebhookSecret]: {
        [ActionId.settingsUtilityApiWebhookSecret]: { type: 'plain_text_input', value: UA_SECRET },
      },
    });
    const answer = saved.json as { view?: ViewOutput };
    const shownUrl = /`(https:\/\/relink\.example\.com\/webhooks\/utilityapi\/[A-Za-z0-9_-]{43})`/.exec(
      allText(answer.view?.blocks),
    )?.[1];
    expect(shownUrl).toBeDefined();
    const webhookUrl = `http://127.0.0.1:${e2e.relink.port}${new URL(shownUrl ?? '').pathname}`;

    // UtilityAPI posts to that URL; relink re-fetches with the token saved in Settings and posts a notice.
    const grace = utilityapi.upsertAuthorization({
      customer_email: 'grace@example.com',
      customer_signature: { type: 'text', ts: utilityApiTime(new Date()), full_name: 'Grace Hopper' },
      notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: utilityApiTime(new Date()) }],
    });
    const event = { type: 'authorization_update_finished_errored', authorization_uid: grace.uid };
    expect(
      await utilityapi.deliverWebhook({
        url: webhookUrl,
        secret: 'not-the-secret',
        events: [{ uid: 'e2e-s-0', ...event }],
      }),
    ).toBe(401);
    expect(
      await utilityapi.deliverWebhook({
        url: webhookUrl,
        secret: UA_SECRET,
        events: [{ uid: 'e2e-s-1', ...event }],
      }),
    ).toBe(200);
    const notice = await eventually(
      () =>
        [...slack.messages(ALERTS).values()].find((m) => JSON.stringify(m.blocks).includes('Grace Hopper')),
      'the notice',
      10_000,
    );
    // Re-fetched with the token saved in Settings (the stand-in knows it as its first account's).
    expect(
      utilityapi.requests.some((r) => r.path.startsWith('/authorizations') && r.account === 'account-1'),
    ).toBe(true);

    // The group chosen in Settings decides: Carol (a member) gets the form, Bob is refused.
    from = slack.calls.length;
    await click(carol, { message: notice }, ActionId.askReauth);
    expect((await openedView(from)).callback_id).toBe(CallbackId.reauthForm);
    from = slack.calls.length;
    await click(bob, { message: notice }, ActionId.askReauth);
    const refused = await openedView(from);
    expect(refused.callback_id).toBe(CallbackId.accessRefused);
    expect(allText(refused.blocks)).toContain(`<!subteam^${BILLING}>`);

    const stored = await e2e.relink.services.workspaces.get(SINGLE_WORKSPACE_ID);
    expect(stored?.settings.whoMayAct).toEqual({ kind: 'usergroup', usergroupId: BILLING });
  });
});
