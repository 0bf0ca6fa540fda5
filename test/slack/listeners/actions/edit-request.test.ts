import { ActionId, BlockId, CallbackId } from '../../../../src/slack/ids';
import { reauthFormMeta } from '../../../../src/slack/metadata';
import { ada, initialValues, useListenerHarness, viewText } from '../harness';

const h = useListenerHarness('edit_request');

describe('Edit in the email preview', () => {
  it('goes back to the reauth form in the same modal with everything typed kept', async () => {
    const authorizationId = await h.seedBadLogin();
    const notice = await h.postNotice(authorizationId);
    const edited = {
      name: 'Ada King',
      email: 'ada.king@example.org',
      utility: 'SCE',
      note: 'Call us anytime',
    };
    const preview = await h.openPreview(notice, edited);

    expect((await h.click({ view: preview }, ActionId.editRequest)).status).toBe(200);

    expect(h.listenerCalls('views.update')).toEqual([
      expect.objectContaining({
        ok: true,
        args: expect.objectContaining({ view_id: preview.id, hash: preview.hash }),
      }),
    ]);
    const form = h.openView(preview.id);
    expect(form.callback_id).toBe(CallbackId.reauthForm);
    expect(initialValues(form)).toMatchObject({
      [BlockId.customerName]: 'Ada King',
      [BlockId.customerEmail]: 'ada.king@example.org',
      [BlockId.utility]: 'SCE',
      [BlockId.note]: 'Call us anytime',
    });
    expect(reauthFormMeta.decode(form.private_metadata)).toMatchObject({ authorizationId });
  });

  it('says nothing needs fixing when the customer relinked while the preview was open', async () => {
    const authorizationId = await h.seedBadLogin();
    const preview = await h.openPreview(await h.postNotice(authorizationId), ada);
    await h.markActive(authorizationId);

    await h.click({ view: preview }, ActionId.editRequest);

    const view = h.openView(preview.id);
    expect(view.callback_id).toBe(CallbackId.reauthUnavailable);
    expect(viewText(view)).toContain("doesn't need to reauthorize right now");
  });

  it('logs a preview whose metadata relink did not write once, and says to start again', async () => {
    const preview = await h.openPreview(await h.postNotice(await h.seedBadLogin()), ada);

    await h.click({ view: { ...preview, private_metadata: 'not json' } }, ActionId.editRequest);

    expect(viewText(h.openView(preview.id))).toContain('start again from the notice');
    expect(h.logged().filter((line) => Number(line.level) >= 40)).toEqual([
      expect.objectContaining({ msg: 'reauth form not reopened', code: 'metadata_invalid' }),
    ]);
  });
});
