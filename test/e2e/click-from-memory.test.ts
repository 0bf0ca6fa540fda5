import type { CommandStartedEvent } from 'mongodb';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { ActionId, BlockId, CallbackId } from '../../src/slack/ids';
import { initialValues, viewText } from '../slack/listeners/harness';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { useE2eRelink } from '../support/e2e-relink';
import { eventually } from '../support/eventually';
import { utilityApiTime } from '../support/utilityapi-standin';

/*
 * Issue #18: a click on "Ask the utility customer to reauthorize" answers from memory. relink as
 * src/main.ts builds it, on a database connection whose every command is seen (the driver's command
 * monitoring): between the click reaching relink and Slack receiving `views.open`, relink sends the
 * database nothing — not for the access guard, the authorization, its requests, the cooldown setting
 * or the suppression list.
 */

interface SeenCommand {
  name: string;
  collection: string;
  at: number;
}

// agenda looks for due jobs on its own timer (its `jobs` collection), whatever the click does.
const isAgendaPoll = (c: SeenCommand) => c.collection === 'jobs';
// The recurring jobs run once at start and then not again during the test: what the database hears
// around a click is then the click's, and a webhook's processing, which the test waits out.
const HOURLY = '1 hour';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a click on the ask button', () => {
  const e2e = useE2eRelink('click-memory', {
    env: { MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('click-memory')}?monitorCommands=true` },
    start: {
      processEvery: 200,
      jobIntervals: {
        processInbox: HOURLY,
        sendRequests: HOURLY,
        publishNotices: HOURLY,
        expireDue: HOURLY,
        warnExpiring: HOURLY,
        reconcileUtilityApi: HOURLY,
        sendReminders: HOURLY,
      },
    },
  });
  const { slack, utilityapi, click, noticeFor } = e2e;
  const seen: SeenCommand[] = [];

  beforeAll(() => {
    const client = e2e.relink.services.models.Authorization.db.getClient();
    client.on('commandStarted', (event: CommandStartedEvent) => {
      seen.push({
        name: event.commandName,
        collection: String(event.command[event.commandName]),
        at: Date.now(),
      });
    });
  });

  /** Waits until relink has sent the database nothing but agenda's polls for half a second. */
  async function quiet(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (seen.some((c) => c.at > Date.now() - 500 && !isAgendaPoll(c))) {
      if (Date.now() > deadline) throw new Error('relink kept reading the database for 10 s');
      await sleep(100);
    }
  }

  /** Clicks a button on `notice`: the modal it opened and the commands relink sent meanwhile. */
  async function clickAndWatch(notice: Parameters<typeof click>[0], actionId: string = ActionId.askReauth) {
    await quiet();
    const before = slack.calls.length;
    const clickedAt = Date.now();
    expect((await click(notice, actionId)).status).toBe(200);
    const opened = await eventually(
      () => slack.calls.slice(before).find((c) => c.method === 'views.open' && c.ok),
      'views.open',
    );
    const commands = seen.filter((c) => c.at >= clickedAt && c.at <= opened.at && !isAgendaPoll(c));
    const view = (opened.response as { view: { blocks: unknown[]; callback_id: string } }).view;
    return { view, openedAt: opened.at, commands: commands.map((c) => `${c.name} ${c.collection}`) };
  }

  it('opens the prefilled form, flagging the suppression as recorded, without reading the database', async () => {
    const platform = utilityapi.upsertAuthorization({
      customer_email: 'grace@example.com',
      customer_signature: { type: 'text', ts: utilityApiTime(new Date()), full_name: 'Grace Hopper' },
      notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: utilityApiTime(new Date()) }],
    });
    expect(
      await e2e.deliver([
        { uid: 'click-1', type: 'authorization_update_finished_errored', authorization_uid: platform.uid },
      ]),
    ).toBe(200);
    const notice = await eventually(() => noticeFor('Grace Hopper'), 'the notice');
    const { services } = e2e.relink;
    await services.worklist.ready();
    // The customer reported relink's email as spam; the workspace chose its own settings, which the
    // access guard (who may act) and the form (the cooldown) read.
    await services.suppressions.record({
      workspaceId: SINGLE_WORKSPACE_ID,
      email: 'grace@example.com',
      reason: 'spamreport',
      at: new Date(),
      requestId: 'r-click',
      now: new Date(),
    });
    await services.workspaces.updateSettings(SINGLE_WORKSPACE_ID, { cooldownHours: 6 });
    // The count sees relink's commands: the writes just made went through it.
    expect(seen.map((c) => c.collection)).toEqual(
      expect.arrayContaining(['email_suppressions', 'workspaces']),
    );

    // Twice: the first click of a person also asks Slack who they are (users.info), never the database.
    for (const _ of [1, 2]) {
      const { view, commands } = await clickAndWatch({ message: notice });
      expect(commands).toEqual([]);
      expect(initialValues(view)).toMatchObject({ [BlockId.customerEmail]: 'grace@example.com' });
      expect(viewText(view)).toMatch(/spam/i);
    }
  });

  it('opens History at once, and reads the audit trail only once the modal is open', async () => {
    const notice = await eventually(() => noticeFor('Grace Hopper'), 'the notice of the test above');
    const before = slack.calls.length;
    const { view, openedAt, commands } = await clickAndWatch({ message: notice }, ActionId.openHistory);
    expect(commands).toEqual([]);
    expect(view.callback_id).toBe(CallbackId.authorizationHistory);
    expect(viewText(view)).toMatch(/Loading/);
    // Then filled from the database: the timeline holds the bad login that opened the notice.
    const filled = await eventually(
      () => slack.calls.slice(before).find((c) => c.method === 'views.update' && c.ok),
      'the history filled in',
    );
    expect(viewText((filled.response as { view: Parameters<typeof viewText>[0] }).view)).not.toMatch(
      /Loading/,
    );
    const readAfter = seen.filter((c) => c.at >= openedAt && c.at <= filled.at);
    expect(readAfter.map((c) => `${c.name} ${c.collection}`)).toContain('find audit_events');
  });
});
