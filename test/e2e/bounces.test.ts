import type { ViewOutput } from '@slack/bolt';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { ActionId, BlockId, CallbackId } from '../../src/slack/ids';
import { formValues, initialValues, viewText } from '../slack/listeners/harness';
import { ALICE, E2E, useE2eRelink } from '../support/e2e-relink';
import { eventually } from '../support/eventually';
import type { PostedMessage } from '../support/slack-standin';
import { viewOpenedAfter } from '../support/slack-views';
import { utilityApiTime } from '../support/utilityapi-standin';

/*
 * What SendGrid's Event Webhook tells relink after an email went out, end to end: a bounce turns the
 * notice into "Fix the email and send again", whose form flags the address, and a spam report keeps
 * relink from ever emailing that address on its own. Real relink over HTTP; SendGrid's events are
 * signed by the stand-in as SendGrid signs them.
 */

const CHANNEL = E2E.channel;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bounces and spam reports, end to end', () => {
  const e2e = useE2eRelink('e2e-bounces', { sendgridEvents: true });
  const { slack, sendgrid, utilityapi, submit, applyUpdate, openView, emailsTo } = e2e;
  let n = 0;

  const noticeNow = (notice: PostedMessage) => JSON.stringify(slack.messages(CHANNEL).get(notice.ts)?.blocks);
  const thread = (notice: PostedMessage) => e2e.thread(notice.ts);
  /** Alice opens relink's App Home (the event Slack posts): the text of the Home relink published. */
  const homeText = async () => viewText(await e2e.publishedBy(() => e2e.openHome()));

  /** UtilityAPI reports a bad login; the notice, once posted, and the authorization's id. */
  async function badLogin(name: string, email: string) {
    const ts = utilityApiTime(new Date());
    const platform = utilityapi.upsertAuthorization({
      customer_email: email,
      customer_signature: { type: 'text', ts, full_name: name },
      notes: [{ type: 'access_invalid', msg: 'Invalid login', ts }],
    });
    const status = await e2e.deliver([
      {
        uid: `bounces-${++n}`,
        type: 'authorization_update_finished_errored',
        authorization_uid: platform.uid,
      },
    ]);
    expect(status).toBe(200);
    const notice = await eventually(
      () =>
        [...slack.messages(CHANNEL).values()].find(
          (m) => !m.threadTs && JSON.stringify(m.blocks).includes(name),
        ),
      `the notice for ${name}`,
    );
    const key = { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi' as const, externalId: platform.uid };
    const authorization = await e2e.relink.services.authorizations.findByKey(key);
    return { notice, authorizationId: authorization?._id.toHexString() ?? '' };
  }

  /** Alice clicks the notice's button: the form as Slack opened it. */
  async function openForm(notice: PostedMessage): Promise<ViewOutput> {
    const opened = slack.callsTo('views.open').length;
    const message = slack.messages(CHANNEL).get(notice.ts) ?? notice;
    await e2e.click({ message }, ActionId.askReauth);
    return openView(await viewOpenedAfter(slack, opened));
  }

  /** Fills the form in, previews, presses Send: resolves once the email to `customer.email` is out. */
  async function ask(form: ViewOutput, customer: { name: string; email: string; sendAnyway?: boolean }) {
    const before = emailsTo(customer.email).length;
    const preview = await applyUpdate(
      form.id,
      await submit(form, formValues({ ...customer, utility: 'PG&E' })),
    );
    expect(preview.callback_id).toBe(CallbackId.reauthPreview);
    expect((await submit(preview, {})).json).toMatchObject({ response_action: 'update' });
    return eventually(() => emailsTo(customer.email)[before], `the email to ${customer.email}`);
  }

  it('a bounce leads to the flagged form, then one new email to the corrected address', async () => {
    const typo = 'bea.bounce@exmaple.com';
    const fixed = 'bea.bounce@example.com';
    const { notice } = await badLogin('Bea Bounce', typo);
    const first = await ask(await openForm(notice), { name: 'Bea Bounce', email: typo });

    expect(await sendgrid.postEvent('bounce', first)).toBe(200);

    await eventually(
      () => noticeNow(notice).includes('Fix the email and send again') || undefined,
      'the fix button',
    );
    expect(noticeNow(notice)).toContain('The reauthorization email bounced');
    expect(noticeNow(notice)).not.toContain(typo);
    await eventually(
      () =>
        thread(notice).find((m) => JSON.stringify(m).includes("relink won't send to it again on its own")),
      'the bounce reply',
    );

    // The Home says it too, with the same button.
    const home = await homeText();
    expect(home).toContain('Email bounced');
    expect(home).toContain('Fix the email and send again');

    const form = await openForm(notice);
    expect(initialValues(form)[BlockId.customerEmail]).toBe(typo);
    expect(viewText(form)).toContain('The last email to this address bounced');

    const second = await ask(form, { name: 'Bea Bounce', email: fixed });
    expect(second.to).toContain(fixed);
    await sleep(1_000);
    expect(emailsTo(fixed)).toHaveLength(1);
    // Nothing went to the address that bounced again.
    expect(emailsTo(typo)).toHaveLength(1);
    await eventually(
      () => (noticeNow(notice).includes('Fix the email') ? undefined : true),
      'the notice to move on',
    );
  });

  it('a spam report blocks automatic email to that address; Send anyway sends exactly one, audited', async () => {
    const email = 'sam.spam@example.com';
    const { notice, authorizationId } = await badLogin('Sam Spam', email);
    const first = await ask(await openForm(notice), { name: 'Sam Spam', email });

    expect(await sendgrid.postEvent('spamreport', first)).toBe(200);

    await eventually(() => noticeNow(notice).includes('marked our email as spam') || undefined, 'the notice');
    await eventually(
      () => thread(notice).find((m) => JSON.stringify(m).includes('The customer marked our email as spam')),
      'the spam reply',
    );
    const automatic = await e2e.relink.services.reauth.emailEligibility({
      workspaceId: SINGLE_WORKSPACE_ID,
      authorizationId,
      email: 'Sam.Spam@Example.com',
      sender: 'automatic',
      override: true,
    });
    expect(automatic).toMatchObject({ allowed: false, because: 'suppressed' });

    expect(await homeText()).toContain('This customer marked our email as spam');

    // A person is warned in the form and must tick Send anyway.
    const form = await openForm(notice);
    expect(viewText(form)).toContain('This customer marked our email as spam');
    const refused = await submit(
      form,
      formValues({ name: 'Sam Spam', email, utility: 'PG&E', sendAnyway: false }),
    );
    expect(refused.json).toMatchObject({
      response_action: 'errors',
      errors: { [BlockId.sendAnyway]: expect.any(String) },
    });
    expect(emailsTo(email)).toHaveLength(1);

    await ask(form, { name: 'Sam Spam', email, sendAnyway: true });
    await sleep(1_000);
    expect(emailsTo(email)).toHaveLength(2);
    const history = await e2e.relink.services.authorizations.history(authorizationId);
    const overrides = history.filter((e) => e.action === 'request.created_despite_suppression');
    expect(overrides).toHaveLength(1);
    expect(overrides[0]?.actor).toContain(ALICE.userId);
  });
});
