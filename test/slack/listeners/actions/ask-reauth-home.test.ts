import { ActionId, BlockId, CallbackId, keyedActionId } from '../../../../src/slack/ids';
import { reauthFormMeta } from '../../../../src/slack/metadata';
import { allText } from '../../../support/block-kit';
import { ada, formValues, initialValues, useListenerHarness } from '../harness';

const h = useListenerHarness('ask_reauth_home');

describe('"Ask the utility customer to reauthorize" on the App Home', () => {
  it('opens the same reauth form as the notice, and the request sent shows on the next opening', async () => {
    const authorizationId = await h.seedBadLogin(ada);
    await h.openHome();
    expect(allText(h.currentHome().blocks)).toContain('No request yet');

    await h.click({ view: h.currentHome() }, keyedActionId(ActionId.askReauth, '0'));

    const [opened] = h.listenerCalls('views.open');
    const formId = (opened?.response as { view?: { id?: string } } | undefined)?.view?.id ?? '';
    const form = h.openView(formId);
    expect(form.callback_id).toBe(CallbackId.reauthForm);
    expect(initialValues(form)).toMatchObject({
      [BlockId.customerName]: ada.name,
      [BlockId.customerEmail]: ada.email,
      [BlockId.utility]: ada.utility,
    });
    // Opened from the Home, not a notice: no message for the later steps to update.
    const meta = reauthFormMeta.decode(form.private_metadata);
    expect(meta).toEqual({
      v: 1,
      authorizationId,
      problem: { state: 'bad_login', reason: 'invalid_credentials' },
    });

    const preview = await h.applyUpdate(formId, await h.submit(form, formValues(ada)));
    const sent = await h.submit(preview, {});
    expect(sent.json).toMatchObject({
      response_action: 'update',
      view: { callback_id: CallbackId.requestQueued },
    });
    expect(await h.requestsFor(authorizationId)).toHaveLength(1);
    expect(h.queuedCount).toBe(1);

    await h.openHome();
    expect(allText(h.currentHome().blocks)).toContain('Sending the email (requested just now)');
  });
});
