import type { ViewStateValue } from '@slack/bolt';
import type { View } from '@slack/types';
import { homeView } from '../../blocks/home-view';
import { RESOLVED_WORDS } from '../../blocks/notice-message';
import { NO_RESPONSE_WORDS, STOP_REMINDERS_LABEL } from '../../blocks/reminder-messages';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { ActionId } from '../../src/slack/ids';
import { formValues } from '../slack/listeners/harness';
import { elementsWithActionIds } from '../support/block-kit';
import { ALICE, E2E, useE2eRelink } from '../support/e2e-relink';
import { eventually } from '../support/eventually';
import { blockActionsPayload } from '../support/slack-signing';
import type { PostedMessage } from '../support/slack-standin';
import { viewOpenedAfter } from '../support/slack-views';
import { utilityApiTime } from '../support/utilityapi-standin';

/*
 * Reminders end to end (issue 12): a real relink against the stand-ins, whose clock the test moves on
 * by days. The reminder job runs on agenda every second; each reminder is a real email with a fresh
 * platform link, shown in the notice's thread, until the customer relinks, someone clicks Stop, or the
 * reminders run out and the request is marked no response.
 */

const CHANNEL = E2E.channel;
const DAY_MS = 86_400_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reminders, end to end', () => {
  // relink's clock: real time moved on by whatever days the test has let pass.
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const letDaysPass = (days: number) => {
    offsetMs += days * DAY_MS;
  };
  let n = 0;
  const e2e = useE2eRelink('e2e-reminders', {
    start: {
      clock: now,
      processEvery: 200,
      jobIntervals: { sendReminders: '1 second' },
      // An attempt too slow to call in time is retried 15 minutes later on this clock, which moves only
      // when a test says: on a loaded machine that would be a reminder that never comes. (The deadline
      // itself is tested in test/reauth/reminder-sender.test.ts.)
      send: { timings: { callWithinMs: 120_000 } },
    },
    // SendGrid has the email (the test sees it) a moment before relink hears its 202 and records when
    // the email went out, from which the reminders count: as over any network, and what a loaded
    // machine made of a quicker answer now and then.
    sendgridAnswerLatencyMs: 300,
  });
  const { slack, utilityapi, interact, openView, thread, emailsTo } = e2e;

  beforeAll(async () => {
    // Incidents found while the first sync imports the account go to one digest, not to notices.
    await eventually(
      async () => !(await e2e.relink.services.syncStates.isFirstSync(SINGLE_WORKSPACE_ID)),
      'the first sync',
      30_000,
    );
  });

  const click = (message: PostedMessage, actionId: string) => e2e.click({ message }, actionId);
  const submit = (
    view: Parameters<typeof e2e.submit>[0],
    values: Record<string, Record<string, ViewStateValue>>,
  ) => e2e.submit(view, values);
  const notice = (ts: string) => {
    const message = slack.messages(CHANNEL).get(ts);
    if (!message) throw new Error(`no notice ${ts}`);
    return message;
  };
  const noticeText = (ts: string) => JSON.stringify(notice(ts).blocks);

  /** A bad login, its notice, and Alice's request sent: the first email is out. */
  async function firstEmailTo(name: string, email: string) {
    const ts = utilityApiTime(now());
    const platform = utilityapi.upsertAuthorization({
      customer_email: email,
      customer_signature: { type: 'text', ts, full_name: name },
      notes: [{ type: 'access_invalid', msg: 'Invalid login', ts }],
    });
    await deliver(platform.uid, `rem-${++n}`);
    const posted = await eventually(
      () =>
        [...slack.messages(CHANNEL).values()].find(
          (m) => !m.threadTs && JSON.stringify(m.blocks).includes(name),
        ),
      'the notice',
    );
    const opened = slack.callsTo('views.open').length;
    await click(posted, ActionId.askReauth);
    const formId = await viewOpenedAfter(slack, opened);
    const answer = await submit(openView(formId), formValues({ name, email, utility: 'PG&E' }));
    await e2e.direct.views.update({ view_id: formId, view: (answer.json as { view: View }).view });
    await submit(openView(formId), {});
    await eventually(() => emailsTo(email)[0], 'the first email');
    const authorization = await e2e.relink.services.authorizations.findByKey({
      workspaceId: SINGLE_WORKSPACE_ID,
      source: 'utilityapi',
      externalId: platform.uid,
    });
    return { ts: posted.ts, platform, authorizationId: authorization?._id.toHexString() ?? '' };
  }

  const deliver = async (authorizationUid: string, uid: string) => {
    const status = await e2e.deliver([
      { uid, type: 'authorization_update_finished_errored', authorization_uid: authorizationUid },
    ]);
    expect(status).toBe(200);
  };

  /** Alice opens relink's App Home: what relink published for her. */
  const openHome = () => e2e.publishedBy(() => e2e.openHome());

  const auditActions = async (authorizationId: string) =>
    (await e2e.relink.services.authorizations.history(authorizationId)).map((e) => e.action);

  it('sends two reminders with fresh links, then marks the request no response', async () => {
    const email = 'ada@example.com';
    const { ts, authorizationId } = await firstEmailTo('Ada Lovelace', email);
    const firstLink = utilityapi.forms.at(-1)?.url ?? '';

    // The notice and the Home say when the first reminder goes out, with Stop reminders.
    await eventually(() => noticeText(ts).includes('Reminder 1') || undefined, 'the reminder line');
    expect(noticeText(ts)).toContain(ActionId.stopReminders);
    const { data } = await e2e.relink.services.home.prepare(SINGLE_WORKSPACE_ID, ALICE.userId, {
      tab: 'awaiting_customer',
    });
    const home = JSON.stringify(homeView(data));
    expect(home).toContain('Reminder 1');
    expect(home).toContain(STOP_REMINDERS_LABEL);

    // Preview reminder opens the reminder as the customer will read it.
    const opened = slack.callsTo('views.open').length;
    await click(notice(ts), ActionId.previewReminder);
    const preview = await eventually(
      () =>
        slack
          .callsTo('views.open')
          .slice(opened)
          .find((c) => c.ok),
      'the reminder preview',
    );
    expect(JSON.stringify(preview.args)).toContain('Subject: Reminder: please relink your PG&E account');

    // Not before three days.
    letDaysPass(2);
    await sleep(2_500);
    expect(emailsTo(email)).toHaveLength(1);

    letDaysPass(1.01);
    const first = await eventually(() => emailsTo(email)[1], 'reminder 1', 20_000);
    expect(first.subject).toBe('Reminder: please relink your PG&E account');
    const reminderLink = utilityapi.forms.at(-1)?.url ?? '';
    expect(reminderLink).not.toBe(firstLink);
    expect(first.text).toContain(reminderLink);
    await eventually(
      () => thread(ts).find((m) => JSON.stringify(m.blocks).includes('Reminder 1 sent')),
      'the reminder reply',
    );

    letDaysPass(3.01);
    await eventually(() => emailsTo(email)[2], 'reminder 2', 20_000);

    // After the last reminder, three more days: no response, said on the notice, its thread and the Home.
    letDaysPass(3.01);
    await eventually(
      () => noticeText(ts).includes(`*${NO_RESPONSE_WORDS}*`) || undefined,
      'no response',
      20_000,
    );
    expect(noticeText(ts)).toContain(ActionId.askReauth);
    expect(noticeText(ts)).not.toContain(ActionId.stopReminders);
    await eventually(
      () => thread(ts).find((m) => JSON.stringify(m.blocks).includes(NO_RESPONSE_WORDS)),
      'the no response reply',
    );
    const request = await e2e.relink.services.requests.latestFor(authorizationId);
    expect(request).toMatchObject({ status: 'no_response', remindersSent: 2 });
    letDaysPass(10);
    await sleep(2_500);
    expect(emailsTo(email)).toHaveLength(3);
    const actions = await auditActions(authorizationId);
    expect(actions.filter((a) => a === 'reminder.sent')).toHaveLength(2);
    expect(actions.filter((a) => a === 'request.no_response')).toHaveLength(1);
  });

  it('stops reminding the moment the customer relinks', async () => {
    const email = 'grace@example.com';
    const { ts, platform, authorizationId } = await firstEmailTo('Grace Hopper', email);
    letDaysPass(3.01);
    await eventually(() => emailsTo(email)[1], 'reminder 1', 20_000);

    utilityapi.upsertAuthorization({
      uid: platform.uid,
      notes: [
        {
          type: 'access_invalid',
          msg: 'Invalid login',
          ts: utilityApiTime(new Date(now().getTime() - 60_000)),
        },
        { type: 'access_valid', msg: 'Relinked', ts: utilityApiTime(now()) },
      ],
    });
    await deliver(platform.uid, `rem-${++n}`);
    await eventually(() => noticeText(ts).includes(RESOLVED_WORDS) || undefined, 'the resolved notice');

    // Reminder 2 is due by now: the next run of the job ends the series instead of sending it.
    letDaysPass(7);
    await eventually(
      async () => (await e2e.relink.services.requests.reminderQueue.get(authorizationId)) === null,
      'the series to end',
      20_000,
    );
    await sleep(1_500);
    expect(emailsTo(email)).toHaveLength(2);
    await eventually(
      async () => (await e2e.relink.services.requests.latestFor(authorizationId))?.status === 'completed',
      'the request to complete',
    );
  });

  it('stops reminding when someone clicks Stop reminders, and says who', async () => {
    const email = 'katherine@example.com';
    const { ts, authorizationId } = await firstEmailTo('Katherine Johnson', email);
    await eventually(() => noticeText(ts).includes(ActionId.stopReminders) || undefined, 'the Stop button');

    expect((await click(notice(ts), ActionId.stopReminders)).status).toBe(200);
    await eventually(
      () => noticeText(ts).includes(`Reminders stopped by <@${ALICE.userId}>`) || undefined,
      'the notice saying who stopped them',
    );
    expect(noticeText(ts)).not.toContain(ActionId.stopReminders);
    await eventually(
      () => thread(ts).find((m) => JSON.stringify(m.blocks).includes('Reminders stopped')),
      'the thread reply',
    );

    letDaysPass(10);
    await sleep(3_000);
    expect(emailsTo(email)).toHaveLength(1);
    expect((await e2e.relink.services.requests.latestFor(authorizationId))?.status).toBe('sent');
    expect(await auditActions(authorizationId)).toContain('reminders.stopped');
  });

  it('stops reminders from an App Home row and redraws that Home', async () => {
    const { authorizationId } = await firstEmailTo('Mary Jackson', 'mary@example.com');
    const request = await e2e.relink.services.requests.latestFor(authorizationId);
    const requestId = request?._id.toHexString() ?? '';
    const stopOf = (view: { blocks?: unknown }) =>
      elementsWithActionIds(view.blocks).find(
        (e) => e.action_id.startsWith(`${ActionId.stopReminders}.`) && JSON.stringify(e).includes(requestId),
      );
    await eventually(() => e2e.relink.services.requests.reminderQueue.get(authorizationId), 'the series');
    // The series starts just before the request is marked sent: the Home lists it once that is known.
    await eventually(async () => {
      const entry = (await e2e.relink.services.worklist.entries(SINGLE_WORKSPACE_ID, [authorizationId])).get(
        authorizationId,
      );
      return entry?.request?.status === 'sent';
    }, 'the request marked sent');
    await openHome();
    // The latest Home published for Alice (an earlier publish, from her Send, may land after hers).
    const home = await eventually(() => {
      const latest = slack.views.homeByUser.get(ALICE.userId)?.output;
      return latest && stopOf(latest) ? latest : undefined;
    }, "the row's Stop reminders");
    const rowStop = stopOf(home);
    const published = slack.callsTo('views.publish').length;
    const answer = await interact(
      blockActionsPayload({
        actor: ALICE,
        triggerId: slack.issueTriggerId({ userId: ALICE.userId }),
        actionId: rowStop?.action_id ?? '',
        source: { view: home },
      }),
    );
    expect(answer.status).toBe(200);
    await eventually(
      () => slack.callsTo('views.publish').length > published || undefined,
      'the Home redrawn',
    );
    expect((await e2e.relink.services.requests.findById(requestId))?.remindersStoppedBy).toBe(ALICE.userId);
    expect(stopOf(slack.views.homeByUser.get(ALICE.userId)?.output ?? {})).toBeUndefined();
    expect(await auditActions(authorizationId)).toContain('reminders.stopped');
  });

  it('tells the clicker what to do about a Stop button relink did not write, and stops nothing', async () => {
    const { ts: noticeTs } = await firstEmailTo('Dorothy Vaughan', 'dorothy@example.com');
    await eventually(
      () => noticeText(noticeTs).includes(ActionId.stopReminders) || undefined,
      'the Stop button',
    );
    const posted = await e2e.direct.chat.postMessage({
      channel: CHANNEL,
      thread_ts: noticeTs,
      text: 'A forged button',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: ActionId.stopReminders,
              text: { type: 'plain_text', text: 'Stop reminders' },
              value: '{"v":9,"requestId":"65f0c0ffee"}',
            },
          ],
        },
      ],
    });
    const forged = notice(posted.ts ?? '');
    expect((await click(forged, ActionId.stopReminders)).status).toBe(200);
    const said = await eventually(
      () => slack.ephemeralMessages.find((m) => m.text?.includes("doesn't work any more")),
      'the ephemeral answer',
    );
    expect(said).toMatchObject({ user: ALICE.userId, channel: CHANNEL });
    expect(noticeText(noticeTs)).toContain(ActionId.stopReminders);
  });
});
