import { Types } from 'mongoose';
import { ActionId, BlockId, CallbackId, keyedActionId } from '../../../../src/slack/ids';
import { askReauthValue, reauthFormMeta } from '../../../../src/slack/metadata';
import { ALERTS, ada, initialValues, useListenerHarness, viewText } from '../harness';

const h = useListenerHarness('ask_reauth');

describe('the "Ask the utility customer to reauthorize" button', () => {
  it('opens the reauth form prefilled with the customer’s name, email and utility', async () => {
    const authorizationId = await h.seedBadLogin();
    const notice = await h.postNotice(authorizationId);

    const form = await h.openForm(notice);

    expect(form.callback_id).toBe(CallbackId.reauthForm);
    expect(initialValues(form)).toMatchObject({
      [BlockId.customerName]: 'Ada Lovelace',
      [BlockId.customerEmail]: 'ada@example.com',
      [BlockId.utility]: 'PG&E',
    });
    expect(viewText(form)).toContain("Username and password didn't work");
    expect(reauthFormMeta.decode(form.private_metadata)).toEqual({
      v: 1,
      authorizationId,
      problem: { state: 'bad_login', reason: 'invalid_credentials' },
    });
  });

  it('answers the per-row copies of the button in lists (ask_reauth.<row>) the same way', async () => {
    const authorizationId = await h.seedBadLogin();
    const actionId = keyedActionId(ActionId.askReauth, '3');
    const row = await h.postMessage({
      channel: ALERTS,
      text: 'Ada Lovelace (PG&E)',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: actionId,
              text: { type: 'plain_text', text: 'Ask the utility customer to reauthorize' },
              value: askReauthValue.encode({ v: 1, authorizationId }),
            },
          ],
        },
      ],
    });

    await h.click({ message: row }, actionId);

    expect(h.listenerCalls('views.open')).toEqual([
      expect.objectContaining({
        ok: true,
        args: expect.objectContaining({
          view: expect.objectContaining({ callback_id: CallbackId.reauthForm }),
        }),
      }),
    ]);
  });

  it('logs an expired trigger_id once and keeps serving: the next click opens the form', async () => {
    const notice = await h.postNotice(await h.seedBadLogin());

    const late = await h.click({ message: notice }, ActionId.askReauth, { triggerAgeMs: 4_000 });

    expect(late.status).toBe(200);
    expect(h.listenerCalls('views.open')).toEqual([expect.objectContaining({ error: 'expired_trigger_id' })]);
    const errors = h.logged().filter((line) => Number(line.level) >= 50);
    expect(errors).toEqual([
      expect.objectContaining({
        msg: 'slack request failed',
        err: expect.objectContaining({ message: expect.stringContaining('expired_trigger_id') }),
      }),
    ]);
    expect((await h.openForm(notice)).callback_id).toBe(CallbackId.reauthForm);
  });

  it('says in plain words that nothing needs fixing when the customer already relinked', async () => {
    const authorizationId = await h.seedBadLogin();
    const notice = await h.postNotice(authorizationId);
    await h.markActive(authorizationId);

    const view = await h.openForm(notice);

    expect(view.callback_id).toBe(CallbackId.reauthUnavailable);
    expect(viewText(view)).toBe(
      "This customer doesn't need to reauthorize right now: the authorization is working again.",
    );
    expect(h.logged().filter((line) => Number(line.level) >= 40)).toEqual([]);
  });

  it('says so when relink no longer has the authorization', async () => {
    const notice = await h.postNotice(new Types.ObjectId().toHexString());

    const view = await h.openForm(notice);

    expect(view.callback_id).toBe(CallbackId.reauthUnavailable);
    expect(viewText(view)).toContain('no longer has this authorization');
  });

  it('logs a button value relink did not write once, and opens a view saying what to do instead', async () => {
    const notice = await h.postMessage({
      channel: ALERTS,
      text: 'Ada Lovelace (PG&E)',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: ActionId.askReauth,
              text: { type: 'plain_text', text: 'Ask the utility customer to reauthorize' },
              value: '{"authorizationId":"from an older relink"}',
            },
          ],
        },
      ],
    });

    const view = await h.openForm(notice);

    expect(view.callback_id).toBe(CallbackId.reauthUnavailable);
    expect(viewText(view)).toContain('newest notice');
    const warnings = h.logged().filter((line) => Number(line.level) >= 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: 'reauth form not prepared',
        code: 'metadata_invalid',
        listener: ActionId.askReauth,
      }),
    ]);
    expect(JSON.stringify(h.logged())).not.toContain(ada.email);
  });
});
