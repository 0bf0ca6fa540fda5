import { Types } from 'mongoose';
import { interactionOf } from '../../../src/slack/access/interaction';
import { ActionId, CallbackId, keyedActionId } from '../../../src/slack/ids';
import { askReauthValue, reauthFormMeta, retrySendValue } from '../../../src/slack/metadata';

const authorizationId = new Types.ObjectId().toHexString();
const user = { id: 'U0GUEST001', team_id: 'T0OTHERORG' };
const click = (actionId: string, value: string | undefined, extra: object = {}) => ({
  type: 'block_actions',
  user,
  trigger_id: '123.456.abc',
  team: { id: 'T0RELINK01' },
  actions: [{ type: 'button', action_id: actionId, ...(value === undefined ? {} : { value }) }],
  ...extra,
});

describe('reading an interaction for the access guard', () => {
  it('reads a click: who, their own team, what was tried and the authorization its button names', () => {
    const value = askReauthValue.encode({ v: 1, authorizationId });
    expect(interactionOf(click(keyedActionId(ActionId.askReauth, '3'), value))).toMatchObject({
      kind: 'block_actions',
      userId: 'U0GUEST001',
      payloadTeamId: 'T0OTHERORG',
      attempted: 'block_actions:ask_reauth.3',
      authorizationId,
      requestId: null,
      triggerId: '123.456.abc',
      inModal: false,
    });
  });

  it('names the request of a Retry, and nothing for a forged value', () => {
    const retry = retrySendValue.encode({ v: 1, requestId: 'r1' });
    expect(interactionOf(click(ActionId.retrySend, retry))).toMatchObject({ requestId: 'r1' });
    expect(interactionOf(click(ActionId.askReauth, '{"authorizationId":"x"}'))).toMatchObject({
      authorizationId: null,
    });
  });

  it('knows a click inside a modal from one in the Home', () => {
    expect(interactionOf(click(ActionId.editRequest, undefined, { view: { type: 'modal' } }))?.inModal).toBe(
      true,
    );
    expect(interactionOf(click(ActionId.homeNext, 'next', { view: { type: 'home' } }))?.inModal).toBe(false);
  });

  it('reads a modal submit and the authorization in its metadata', () => {
    const body = {
      type: 'view_submission',
      user,
      trigger_id: 't',
      view: {
        callback_id: CallbackId.reauthForm,
        private_metadata: reauthFormMeta.encode({
          v: 1,
          authorizationId,
          problem: { state: 'bad_login', reason: null },
        }),
      },
    };
    expect(interactionOf(body)).toMatchObject({
      kind: 'view_submission',
      attempted: 'view_submission:reauth_form',
      authorizationId,
      inModal: true,
    });
  });

  it('reads a slash command without keeping its text, which is often a customer’s email', () => {
    const body = {
      command: '/reauth',
      text: 'ada@example.com',
      user_id: 'U0GUEST001',
      team_id: 'T1',
      trigger_id: 't',
    };
    const interaction = interactionOf(body);
    expect(interaction).toMatchObject({
      kind: 'slash_command',
      attempted: 'command:/reauth',
      payloadTeamId: null,
    });
    expect(JSON.stringify(interaction)).not.toContain('ada@example.com');
  });

  it('reads the Home tab’s app_home_opened, keyed by its event id so Slack’s retry is the same', () => {
    const event = (tab: string) => ({
      type: 'event_callback',
      event_id: 'Ev0001',
      event: { type: 'app_home_opened', user: 'U0GUEST001', tab },
    });
    const first = interactionOf(event('home'));
    expect(first).toMatchObject({ kind: 'app_home_opened', attempted: 'event:app_home_opened' });
    expect(interactionOf(event('home'))?.key).toBe(first?.key);
    expect(interactionOf(event('messages'))).toBeNull();
  });

  it('leaves alone what nobody acts in: other events and closed modals', () => {
    const uninstalled = { type: 'event_callback', event_id: 'Ev2', event: { type: 'app_uninstalled' } };
    expect(interactionOf(uninstalled)).toBeNull();
    expect(interactionOf({ type: 'view_closed', user, view: { callback_id: 'x' } })).toBeNull();
  });

  it('gives each interaction its own key', () => {
    const a = interactionOf(click(ActionId.homeNext, 'n'));
    const b = interactionOf({ ...click(ActionId.homeNext, 'n'), trigger_id: 'another' });
    expect(a?.key).not.toBe(b?.key);
    expect(a?.key).toBe(interactionOf(click(ActionId.homeNext, 'n'))?.key);
  });
});
