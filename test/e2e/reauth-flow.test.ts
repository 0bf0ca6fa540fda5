import { RESOLVED_WORDS } from '../../blocks/notice-message';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { renderReauthEmail } from '../../src/email/reauth-email';
import { ActionId, BlockId } from '../../src/slack/ids';
import { formValues, initialValues, viewText } from '../slack/listeners/harness';
import { E2E, useE2eRelink } from '../support/e2e-relink';
import { eventually } from '../support/eventually';
import { utilityApiTime } from '../support/utilityapi-standin';

/*
 * The seed flow end to end, as a team lives it: a UtilityAPI webhook, the notice in Slack, the button,
 * the prefilled form, the preview, Send, one email with the platform's link, the notice following
 * along, and the customer relinking. Everything runs for real over HTTP against the stand-ins.
 */

const CHANNEL = E2E.channel;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
describe('the reauth flow, end to end', () => {
  const e2e = useE2eRelink('e2e');
  const { slack, sendgrid, utilityapi, click, submit, applyUpdate, openView, noticeFor, topLevel } = e2e;
  const deliver = (uid: string, authorizationUid: string) =>
    e2e.deliver([
      { uid, type: 'authorization_update_finished_errored', authorization_uid: authorizationUid },
    ]);

  it('goes from a bad login to a sent email to a resolved notice', async () => {
    const platform = utilityapi.upsertAuthorization({
      customer_email: 'grace@example.com',
      customer_signature: { type: 'text', ts: utilityApiTime(new Date()), full_name: 'Grace Hopper' },
      notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: utilityApiTime(new Date()) }],
    });

    // The webhook becomes one notice with the button and the platform's words.
    expect(await deliver('e2e-1', platform.uid)).toBe(200);
    const notice = await eventually(() => noticeFor('Grace Hopper'), 'the notice');
    expect(JSON.stringify(notice.blocks)).toContain("Username and password didn't work");
    expect(JSON.stringify(notice.blocks)).toContain(ActionId.askReauth);
    expect(JSON.stringify(notice.blocks)).not.toContain('grace@example.com');
    expect(notice.text).toBeTruthy();

    // The button opens the form prefilled.
    expect((await click({ message: notice }, ActionId.askReauth)).status).toBe(200);
    const formId = await eventually(
      () => slack.callsTo('views.open').find((c) => c.ok)?.response as { view?: { id: string } } | undefined,
      'views.open',
    ).then((r) => r.view?.id ?? '');
    const form = openView(formId);
    expect(initialValues(form)).toMatchObject({
      [BlockId.customerName]: 'Grace Hopper',
      [BlockId.customerEmail]: 'grace@example.com',
      [BlockId.utility]: 'PG&E',
    });

    // An invalid email is an inline error on that field.
    const invalid = await submit(
      form,
      formValues({ name: 'Grace Hopper', email: 'grace@', utility: 'PG&E' }),
    );
    expect(invalid.json).toMatchObject({
      response_action: 'errors',
      errors: { [BlockId.customerEmail]: expect.any(String) },
    });

    // A valid form turns into the preview of the exact email.
    const corrected = {
      name: 'Grace B. Hopper',
      email: 'grace.hopper@example.com',
      utility: 'PG&E',
      note: 'Thanks!',
    };
    const preview = await applyUpdate(formId, await submit(form, formValues(corrected)));
    const expected = renderReauthEmail({
      customerName: corrected.name,
      utility: 'PG&E',
      reason: { state: 'bad_login', reason: 'invalid_credentials' },
      note: corrected.note,
      senderName: 'Sunny Solar',
      reauthUrl: null,
    });
    for (const line of expected.text.split('\n').filter((l) => l.trim()))
      expect(viewText(preview)).toContain(line);

    // Edit goes back to the form with the values kept.
    expect((await click({ view: preview }, ActionId.editRequest)).status).toBe(200);
    const edited = await eventually(() => {
      const view = openView(formId);
      return initialValues(view)[BlockId.customerEmail] === corrected.email ? view : undefined;
    }, 'the form after Edit');
    expect(initialValues(edited)[BlockId.customerName]).toBe(corrected.name);

    // Send, twice, and once more as Slack's retry: one request, one email.
    const again = await applyUpdate(formId, await submit(edited, formValues(corrected)));
    const answers = [
      await submit(again, {}),
      await submit(again, {}),
      await submit(again, {}, { headers: { 'x-slack-retry-num': '1' } }),
    ];
    for (const answer of answers) expect(answer.json).toMatchObject({ response_action: 'update' });

    const email = await eventually(
      () => sendgrid.messages.find((m) => m.to.includes(corrected.email)),
      'the email',
    );
    await sleep(500);
    expect(sendgrid.messages.filter((m) => m.to.includes(corrected.email))).toHaveLength(1);
    const form42 = utilityapi.forms.at(-1);
    expect(form42?.authorization_uid).toBe(platform.uid);
    expect(email.text).toContain(form42?.url);
    expect(email.text).toContain('Thanks!');

    // The notice follows: the same message says the email went out, with a thread reply.
    await eventually(
      () =>
        JSON.stringify(slack.messages(CHANNEL).get(notice.ts)?.blocks).includes('g***@e***.com') || undefined,
      'the notice to show the email was sent',
    );
    expect(topLevel().filter((m) => JSON.stringify(m.blocks).includes('Hopper'))).toHaveLength(1);

    // The customer relinks: the notice turns resolved and the request completes.
    utilityapi.upsertAuthorization({
      uid: platform.uid,
      notes: [
        { type: 'access_invalid', msg: 'Invalid login', ts: utilityApiTime(new Date(Date.now() - 60_000)) },
        { type: 'access_valid', msg: 'Relinked', ts: utilityApiTime(new Date()) },
      ],
    });
    expect(await deliver('e2e-2', platform.uid)).toBe(200);
    await eventually(
      () =>
        JSON.stringify(slack.messages(CHANNEL).get(notice.ts)?.blocks).includes(RESOLVED_WORDS) || undefined,
      'the resolved notice',
    );
    expect(JSON.stringify(slack.messages(CHANNEL).get(notice.ts)?.blocks)).not.toContain(ActionId.askReauth);
    const authorization = await e2e.relink.services.authorizations.findByKey({
      workspaceId: SINGLE_WORKSPACE_ID,
      source: 'utilityapi',
      externalId: platform.uid,
    });
    const request = await eventually(async () => {
      const latest = await e2e.relink.services.requests.latestFor(authorization?._id.toHexString() ?? '');
      return latest?.status === 'completed' ? latest : undefined;
    }, 'the request to complete');
    expect(request.recipient.email).toBe(corrected.email);
    expect(authorization?.customer).toMatchObject({
      name: corrected.name,
      email: corrected.email,
      editedInRelink: true,
    });
  });

  it('says how long ago an expired authorization expired', async () => {
    const expiredAt = new Date(Date.now() - 95 * 86_400_000);
    const platform = utilityapi.upsertAuthorization({
      customer_signature: { type: 'text', ts: utilityApiTime(expiredAt), full_name: 'Katherine Johnson' },
      expires: utilityApiTime(expiredAt),
      is_expired: true,
    });
    expect(await deliver('e2e-expired', platform.uid)).toBe(200);
    const notice = await eventually(() => noticeFor('Katherine Johnson'), 'the expired notice');
    expect(JSON.stringify(notice.blocks)).toContain('This authorization expired 3 months ago');
    expect(JSON.stringify(notice.blocks)).toContain(ActionId.askReauth);
  });
});
