import type { View } from '@slack/types';
import { ActionId, CallbackId, keyedActionId } from '../../src/slack/ids';
import { SLACK_CONTRACT } from '../../src/slack/manifest-contract';
import type { RefusalDocument } from '../../src/store/refusals';
import { formValues } from '../slack/listeners/harness';
import { allText } from '../support/block-kit';
import { ALICE, E2E, useE2eRelink } from '../support/e2e-relink';
import { eventually } from '../support/eventually';
import type { SlackActor } from '../support/slack-signing';
import { utilityApiTime } from '../support/utilityapi-standin';

/*
 * "Who may act", end to end: relink started as `npm start` would, learning its team from auth.test, a
 * real notice from a UtilityAPI webhook, and two people who may not act (a single-channel guest, and
 * someone from another company in the shared alert channel) trying the button, `/reauth`, the App Home
 * and a modal someone else opened. Each is refused with who can help; nobody sees the customer's email
 * and SendGrid receives nothing.
 */

const CHANNEL = E2E.channel;
const TEAM = E2E.team;
const OTHER_ORG = 'T0PARTNER1';
const EMAIL = 'grace@example.com';

const alice = ALICE;
const guest: SlackActor = { userId: 'U0GUEST44', teamId: TEAM };
const partner: SlackActor = { userId: 'U0PARTNR44', teamId: TEAM };

describe('who may act, end to end', () => {
  const e2e = useE2eRelink('e2e_access', {
    slack: {
      scopes: SLACK_CONTRACT.scopes,
      users: [
        { id: alice.userId },
        { id: guest.userId, isUltraRestricted: true },
        { id: partner.userId, teamId: OTHER_ORG, isStranger: true },
      ],
    },
  });
  const { slack, sendgrid, utilityapi, openHome, openedView } = e2e;

  // In the shared channel the payload's team is this workspace; the partner's own team is theirs.
  const reshape = (payload: { user: object }) => ({
    ...payload,
    user: { ...payload.user, team_id: OTHER_ORG },
  });
  const as = (actor: SlackActor) => (actor === partner ? { actor, reshape } : { actor });
  const click = (actor: SlackActor, source: Parameters<typeof e2e.click>[0], actionId: string) =>
    e2e.click(source, actionId, as(actor));
  const submit = (
    actor: SlackActor,
    view: Parameters<typeof e2e.submit>[0],
    values: Parameters<typeof e2e.submit>[1],
  ) => e2e.submit(view, values, as(actor));
  const command = (actor: SlackActor, text: string) =>
    e2e.command(text, { actor, responseUrl: 'http://127.0.0.1:9/never-called' });
  const refusals = () =>
    e2e.relink.services.models.AuditEvent.db
      .collection<RefusalDocument>('audit_events')
      .find({ action: 'access.refused' })
      .toArray();

  it('refuses a guest and a Slack Connect partner everywhere, shows them no email and sends nothing', async () => {
    const platform = utilityapi.upsertAuthorization({
      customer_email: EMAIL,
      customer_signature: { type: 'text', ts: utilityApiTime(new Date()), full_name: 'Grace Hopper' },
      notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: utilityApiTime(new Date()) }],
    });
    const delivered = await e2e.deliver([
      { uid: 'e2e-access-1', type: 'authorization_update_finished_errored', authorization_uid: platform.uid },
    ]);
    expect(delivered).toBe(200);
    const notice = await eventually(
      () =>
        [...slack.messages(CHANNEL).values()].find((m) => JSON.stringify(m.blocks).includes('Grace Hopper')),
      'the notice',
    );

    // Alice may act: her Home is the worklist, and she opens the form and its preview.
    expect((await openHome(alice)).status).toBe(200);
    const aliceHome = await eventually(
      () => slack.views.homeByUser.get(alice.userId)?.output,
      'Alice’s Home',
    );
    let from = slack.calls.length;
    await click(alice, { message: notice }, ActionId.askReauth);
    const form = await openedView(from);
    expect(form.callback_id).toBe(CallbackId.reauthForm);
    const previewAnswer = await submit(
      alice,
      form,
      formValues({ name: 'Grace Hopper', email: EMAIL, utility: 'PG&E' }),
    );
    await e2e.direct.views.update({ view_id: form.id, view: (previewAnswer.json as { view: View }).view });
    const preview = slack.views.byId.get(form.id)?.output;
    if (!preview) throw new Error('no preview');

    for (const [person, why] of [
      [guest, 'Only full members of this workspace'],
      [partner, 'People from other organizations'],
    ] as const) {
      from = slack.calls.length;
      const answers = [
        await click(person, { message: notice }, ActionId.askReauth),
        await command(person, EMAIL),
        await openHome(person),
        await click(person, { view: aliceHome }, keyedActionId(ActionId.homeTab, 'all')),
        await submit(person, preview, {}),
      ];
      await eventually(() => slack.views.homeByUser.get(person.userId), 'the refusal Home');

      const shown = [
        ...slack.calls.slice(from).map((c) => JSON.stringify(c.args)),
        ...answers.map((a) => a.text),
      ].join('\n');
      expect(shown).not.toContain(EMAIL);
      const refusalsShown = slack.calls
        .slice(from)
        .filter((c) => c.method === 'views.open')
        .map((c) => c.args.view as { callback_id?: string; blocks?: unknown });
      expect(refusalsShown.map((v) => v.callback_id)).toEqual([
        CallbackId.accessRefused,
        CallbackId.accessRefused,
      ]);
      for (const view of refusalsShown)
        expect(allText(view.blocks)).toContain('Ask a full member of this workspace');
      expect(answers[1]?.json).toMatchObject({
        response_type: 'ephemeral',
        text: expect.stringContaining(why),
      });
      expect(allText(slack.views.homeByUser.get(person.userId)?.output.blocks)).toContain(why);
      expect(answers[4]?.json).toMatchObject({
        response_action: 'update',
        view: { callback_id: CallbackId.accessRefused },
      });

      // Each refusal is recorded just after it is answered.
      const attempted = [
        'block_actions:ask_reauth',
        'command:/reauth',
        'event:app_home_opened',
        `block_actions:${keyedActionId(ActionId.homeTab, 'all')}`,
        'view_submission:reauth_preview',
      ].sort();
      const theirs = await eventually(async () => {
        const recorded = (await refusals()).filter((r) => r.actor === `slack:${TEAM}/${person.userId}`);
        return recorded.length >= attempted.length ? recorded : undefined;
      }, 'the refusals in the audit trail');
      expect(theirs.map((r) => r.attempted).sort()).toEqual(attempted);
    }

    // Nothing was queued: give the send step (every 200 ms) time to show otherwise.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(sendgrid.messages).toEqual([]);
  });
});
