import type { ViewOutput } from '@slack/bolt';
import { ActionId, CallbackId, keyedActionId } from '../../../src/slack/ids';
import { allText } from '../../support/block-kit';
import { ada, formValues, TEAM, useListenerHarness } from '../listeners/harness';

/*
 * "Who may act" as Slack drives it: a guest and someone from another organisation (Slack Connect) try
 * every surface relink has, over signed HTTP against the Slack stand-in. Each gets a refusal that says
 * who can act, sees no customer's email, sends nothing, and leaves an audit event.
 */

const h = useListenerHarness('access_guard');

const OTHER_ORG = 'T0OTHERORG';
const guest = { userId: 'U0GUEST001', teamId: TEAM };
const multiGuest = { userId: 'U0GUEST002', teamId: TEAM };
// They act in this workspace's shared channel: the payload's team is ours, their own team is not.
const stranger = { userId: 'U0OTHER001', teamId: TEAM };
const fromOtherOrg = (payload: object) => {
  const p = payload as { user: Record<string, unknown> };
  return { ...payload, user: { ...p.user, team_id: OTHER_ORG } };
};

beforeAll(() => {
  h.standin.addUser({ id: guest.userId, isUltraRestricted: true });
  h.standin.addUser({ id: multiGuest.userId, isRestricted: true });
  h.standin.addUser({ id: stranger.userId, teamId: OTHER_ORG, isStranger: true });
});

/** Everything relink sent Slack (views, messages) and answered over HTTP since `from`, as one text. */
function shownSince(from: number, answers: { text: string }[] = []): string {
  const calls = h.standin.calls.slice(from).map((c) => JSON.stringify(c.args));
  const responses = h.responses.map((r) => JSON.stringify(r.body));
  return [...calls, ...responses, ...answers.map((a) => a.text)].join('\n');
}

/** The one refusal modal a listener opened or pushed since `from`. */
function refusalModal(from: number): ViewOutput {
  const calls = h.standin.calls
    .slice(from)
    .filter((c) => c.method === 'views.open' || c.method === 'views.push');
  expect(calls).toHaveLength(1);
  const id = (calls[0]?.response as { view?: { id?: string } } | undefined)?.view?.id;
  if (!calls[0]?.ok || !id) throw new Error(`no refusal modal: ${calls[0]?.error}`);
  const view = h.openView(id);
  expect(view.callback_id).toBe(CallbackId.accessRefused);
  return view;
}

describe.each([
  ['a single-channel guest', guest, (p: object) => p, 'guest', 'Only full members of this workspace'],
  ['a Slack Connect user', stranger, fromOtherOrg, 'stranger', 'People from other organizations'],
])('%s', (_, person, payload, reason, why) => {
  it('clicking the notice button gets a refusal naming who can act, and no form', async () => {
    const authorizationId = await h.seedBadLogin();
    const notice = await h.postNotice(authorizationId);
    const from = h.standin.calls.length;

    let answer = { status: 0, text: '' };
    const refused = await h.refusalsDuring(async () => {
      answer = await h.click({ message: notice }, ActionId.askReauth, { user: person, payload });
    });

    expect(answer.status).toBe(200);
    const text = allText(refusalModal(from).blocks);
    expect(text).toContain(why);
    expect(text).toContain('Ask a full member of this workspace');
    expect(shownSince(from, [answer])).not.toContain(ada.email);
    const [recorded] = refused;
    expect(refused).toHaveLength(1);
    expect(recorded).toMatchObject({
      actor: `slack:${TEAM}/${person.userId}`,
      action: 'access.refused',
      reason,
      attempted: 'block_actions:ask_reauth',
    });
    expect(recorded?.authorizationId?.toHexString()).toBe(authorizationId);
  });

  it('/reauth with a customer’s email gets an ephemeral refusal, and no form or list', async () => {
    await h.seedBadLogin();
    const from = h.standin.calls.length;

    const { answer, key } = await h.command(ada.email, { user: person });

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining(why) });
    expect(h.responsesTo(key)).toEqual([]);
    expect(h.listenerCalls('views.open')).toEqual([]);
    expect(shownSince(from)).not.toContain(ada.email);
    expect(await h.refusals()).toContainEqual(
      expect.objectContaining({ reason, attempted: 'command:/reauth', authorizationId: null }),
    );
  });

  it('opening the App Home shows why, never the worklist', async () => {
    await h.seedBadLogin();

    expect((await h.openHome({ user: person })).status).toBe(200);

    const home = h.currentHome(person.userId);
    expect(home.private_metadata).toBe('');
    const text = allText(home.blocks);
    expect(text).toContain(why);
    expect(text).not.toContain(ada.name);
    expect(text).not.toContain(ada.email);
    expect(await h.refusals()).toContainEqual(
      expect.objectContaining({ reason, attempted: 'event:app_home_opened' }),
    );
  });

  it('a Home action (a tab, from someone else’s Home) gets a refusal and publishes nothing', async () => {
    await h.seedBadLogin();
    await h.openHome();
    const aliceHome = h.currentHome();
    const from = h.standin.calls.length;

    await h.click({ view: aliceHome }, keyedActionId(ActionId.homeTab, 'all'), { user: person, payload });

    expect(allText(refusalModal(from).blocks)).toContain(why);
    expect(h.standin.calls.slice(from).filter((c) => c.method === 'views.publish')).toEqual([]);
    expect(h.homeOf(person.userId)?.output.blocks ?? []).not.toContainEqual(
      expect.objectContaining({ type: 'actions' }),
    );
  });

  it('submitting a form or Sending a preview someone else opened records no request', async () => {
    const authorizationId = await h.seedBadLogin();
    const notice = await h.postNotice(authorizationId);
    const form = await h.openForm(notice);
    const preview = await h.openPreview(notice);
    const from = h.standin.calls.length;

    const submitted = await h.submit(form, formValues({ ...ada, email: 'thief@example.net' }), {
      user: person,
      payload,
    });
    const sent = await h.submit(preview, {}, { user: person, payload });

    for (const answer of [submitted, sent]) {
      expect(answer.json).toMatchObject({
        response_action: 'update',
        view: expect.objectContaining({ callback_id: CallbackId.accessRefused }),
      });
      expect(answer.text).not.toContain(ada.email);
    }
    expect(await h.requestsFor(authorizationId)).toEqual([]);
    expect(h.queuedCount).toBe(0);
    expect(shownSince(from)).not.toContain(ada.email);
    const attempts = (await h.refusals()).filter((r) => r.authorizationId?.toHexString() === authorizationId);
    expect(attempts.map((r) => r.attempted)).toEqual(
      expect.arrayContaining(['view_submission:reauth_form', 'view_submission:reauth_preview']),
    );
  });

  it('Edit inside a preview pushes the refusal onto the modal', async () => {
    const preview = await h.openPreview(await h.postNotice(await h.seedBadLogin()));
    const from = h.standin.calls.length;

    await h.click({ view: preview }, ActionId.editRequest, { user: person, payload });

    expect(h.standin.calls.slice(from).map((c) => c.method)).toContain('views.push');
    expect(allText(refusalModal(from).blocks)).toContain(why);
  });

  it('Retry on a failed send leaves the request failed', async () => {
    const authorizationId = await h.seedBadLogin();
    const notice = await h.postNotice(authorizationId);
    const request = await h.seedRequest(authorizationId, `failed:${authorizationId}:${person.userId}`);
    await h.requests.advance(request, 'failed', null, h.now, {
      attempts: 1,
      lastError: { code: 'email_rejected', message: 'Invalid email' },
    });
    const reply = await h.postSendFailed(notice, request._id.toHexString());
    const from = h.standin.calls.length;

    await h.click({ message: reply }, ActionId.retrySend, { user: person, payload });

    expect(allText(refusalModal(from).blocks)).toContain(why);
    expect((await h.requests.findById(request._id.toHexString()))?.status).toBe('failed');
    expect(h.queuedCount).toBe(0);
    expect(await h.refusals()).toContainEqual(
      expect.objectContaining({
        attempted: 'block_actions:retry_send',
        requestId: request._id.toHexString(),
      }),
    );
  });
});

describe('people who may act', () => {
  it('pass through untouched: the form opens for a full member and nothing is refused', async () => {
    const notice = await h.postNotice(await h.seedBadLogin());
    const before = (await h.refusals()).length;

    const form = await h.openForm(notice);

    expect(form.callback_id).toBe(CallbackId.reauthForm);
    expect((await h.refusals()).length).toBe(before);
  });

  it('a multi-channel guest is refused too', async () => {
    const notice = await h.postNotice(await h.seedBadLogin());
    const from = h.standin.calls.length;
    await h.click({ message: notice }, ActionId.askReauth, { user: multiGuest });
    expect(allText(refusalModal(from).blocks)).toContain('Guests can’t');
  });

  it('Slack’s users.info is asked once per person while its answer is fresh', async () => {
    const notice = await h.postNotice(await h.seedBadLogin());
    await h.click({ message: notice }, ActionId.askReauth, { user: guest });
    await h.click({ message: notice }, ActionId.askReauth, { user: guest });
    await h.openHome({ user: guest });
    expect(h.listenerCalls('users.info').filter((c) => c.args.user === guest.userId)).toHaveLength(1);
  });
});
