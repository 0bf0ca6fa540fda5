import { SINGLE_WORKSPACE_ID } from '../../../../src/domain/workspace';
import { BlockId, CallbackId } from '../../../../src/slack/ids';
import { FIELD_MESSAGES, reauthPreviewMeta } from '../../../../src/slack/metadata';
import { ada, formValues, initialValues, SENDER, useListenerHarness, viewText } from '../harness';

const h = useListenerHarness('reauth_form');
const HOUR_MS = 3_600_000;

/** A request to this customer that went out `hoursAgo` hours ago: the cooldown is about it. */
async function sentRequest(authorizationId: string, hoursAgo: number) {
  const request = await h.seedRequest(authorizationId, `earlier:${authorizationId}`);
  const sentAt = new Date(h.now.getTime() - hoursAgo * HOUR_MS);
  await h.requests.advance(request, 'sent', null, sentAt, { sentAt });
}

describe('submitting the reauth form ("Send Update Request")', () => {
  it('puts an invalid email back on the email field and sends nothing', async () => {
    const form = await h.openForm(await h.postNotice(await h.seedBadLogin()));

    const answer = await h.submit(form, formValues({ ...ada, email: 'ada.example.com' }));

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      response_action: 'errors',
      errors: { [BlockId.customerEmail]: FIELD_MESSAGES.email },
    });
    expect(h.queuedCount).toBe(0);
  });

  it('turns a valid form into a preview of the exact email, carrying the draft and the notice', async () => {
    const authorizationId = await h.seedBadLogin();
    const notice = await h.postNotice(authorizationId);
    const form = await h.openForm(notice);

    const answer = await h.submit(
      form,
      formValues({ ...ada, email: '  ada.lovelace@example.org ', note: 'Thanks, Ada!' }),
    );

    const preview = await h.applyUpdate(form.id, answer);
    expect(preview.callback_id).toBe(CallbackId.reauthPreview);
    const text = viewText(preview);
    expect(text).toContain('To: Ada Lovelace <ada.lovelace@example.org>');
    expect(text).toContain(`From: ${SENDER.name} <${SENDER.email}>`);
    expect(text).toContain('Thanks, Ada!');
    expect(reauthPreviewMeta.decode(preview.private_metadata)).toMatchObject({
      authorizationId,
      draft: { customerEmail: 'ada.lovelace@example.org', note: 'Thanks, Ada!', sendAnyway: false },
    });
  });

  it('asks for "Send anyway" inside the cooldown, saying when the last request went out', async () => {
    const authorizationId = await h.seedBadLogin();
    await sentRequest(authorizationId, 3);
    const form = await h.openForm(await h.postNotice(authorizationId));

    const answer = await h.submit(form, formValues({ ...ada, sendAnyway: false }));

    expect(answer.json).toEqual({
      response_action: 'errors',
      errors: { [BlockId.sendAnyway]: 'Last request sent 3 hours ago: tick Send anyway to send another' },
    });
    const ticked = await h.submit(form, formValues({ ...ada, sendAnyway: true }));
    const preview = await h.applyUpdate(form.id, ticked);
    expect(reauthPreviewMeta.decode(preview.private_metadata).draft.sendAnyway).toBe(true);
  });

  it('shows the form again with the "Send anyway" box when a request went out after it was opened', async () => {
    const authorizationId = await h.seedBadLogin();
    const form = await h.openForm(await h.postNotice(authorizationId));
    expect(initialValues(form)).not.toHaveProperty(BlockId.sendAnyway);
    await sentRequest(authorizationId, 0);

    const answer = await h.submit(form, formValues({ ...ada, name: 'Ada King', note: 'Second try' }));

    const again = await h.applyUpdate(form.id, answer);
    expect(again.callback_id).toBe(CallbackId.reauthForm);
    expect(initialValues(again)).toMatchObject({
      [BlockId.customerName]: 'Ada King',
      [BlockId.note]: 'Second try',
    });
    expect(initialValues(again)).toHaveProperty(BlockId.sendAnyway);
    expect(viewText(again)).toContain('Last request sent just now');
  });

  it('logs a form whose metadata relink did not write once, and answers with plain words', async () => {
    const form = await h.openForm(await h.postNotice(await h.seedBadLogin()));

    const answer = await h.submit({ ...form, private_metadata: '{"v":1}' }, formValues(ada));

    const view = await h.applyUpdate(form.id, answer);
    expect(view.callback_id).toBe(CallbackId.reauthUnavailable);
    expect(viewText(view)).toContain('start again from the notice');
    expect(h.logged().filter((line) => Number(line.level) >= 40)).toEqual([
      expect.objectContaining({ msg: 'reauth form not checked', code: 'metadata_invalid' }),
    ]);
  });

  describe('an address the customer asked not to be emailed', () => {
    let n = 0;
    /** A customer of their own per test, whose address reported relink's email as spam. */
    async function reportedSpam() {
      const customer = { ...ada, email: `ada.spam${++n}@example.com` };
      await h.suppressions.record({
        workspaceId: SINGLE_WORKSPACE_ID,
        email: customer.email,
        reason: 'spamreport',
        at: h.now,
        requestId: 'r-earlier',
        now: h.now,
      });
      return customer;
    }

    it('is flagged in the form, and goes on to the preview only with Send anyway ticked', async () => {
      const customer = await reportedSpam();
      const form = await h.openForm(await h.postNotice(await h.seedBadLogin(customer)));
      expect(viewText(form)).toContain('This customer marked our email as spam');

      const unticked = await h.submit(form, formValues({ ...customer, sendAnyway: false }));
      expect(unticked.json).toEqual({
        response_action: 'errors',
        errors: {
          [BlockId.sendAnyway]:
            'This customer marked our email as spam: tick Send anyway to send, or enter another address',
        },
      });
      const ticked = await h.submit(form, formValues({ ...customer, sendAnyway: true }));
      const preview = await h.applyUpdate(form.id, ticked);
      expect(preview.callback_id).toBe(CallbackId.reauthPreview);
      expect(reauthPreviewMeta.decode(preview.private_metadata).draft.sendAnyway).toBe(true);
      expect(h.queuedCount).toBe(0);
    });

    it('shows the form again, warned and unticked, when a suppressed address is typed in', async () => {
      const customer = await reportedSpam();
      const form = await h.openForm(
        await h.postNotice(await h.seedBadLogin({ ...ada, email: 'ada.ok@example.com' })),
      );
      expect(viewText(form)).not.toContain('marked our email as spam');

      const answer = await h.submit(form, formValues({ ...customer, name: 'Ada King' }));

      const again = await h.applyUpdate(form.id, answer);
      expect(again.callback_id).toBe(CallbackId.reauthForm);
      expect(viewText(again)).toContain('This customer marked our email as spam');
      expect(initialValues(again)).toMatchObject({
        [BlockId.customerName]: 'Ada King',
        [BlockId.customerEmail]: customer.email,
      });
      const box = again.blocks.find((b) => b.block_id === BlockId.sendAnyway) as
        | { element: { initial_options?: unknown[] } }
        | undefined;
      expect(box?.element).toBeDefined();
      expect(box?.element.initial_options).toBeUndefined();
    });
  });

  it('flags the email field after a bounce; a corrected address goes on to the preview', async () => {
    // The seeded request went to the address on file, ada@example.com, and bounced.
    const authorizationId = await h.seedBadLogin(ada);
    const request = await h.seedRequest(authorizationId, `bounced:${authorizationId}`);
    await h.requests.advance(request, 'bounced', null, h.now, {
      lastError: { code: 'bounce', message: '550 no such domain' },
    });
    const form = await h.openForm(await h.postNotice(authorizationId));
    expect(viewText(form)).toContain('The last email to this address bounced (550 no such domain)');

    const answer = await h.submit(form, formValues({ ...ada, email: 'ada.fixed@example.com' }));

    const preview = await h.applyUpdate(form.id, answer);
    expect(preview.callback_id).toBe(CallbackId.reauthPreview);
    expect(viewText(preview)).toContain('<ada.fixed@example.com>');
  });
});
