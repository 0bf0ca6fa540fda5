import type { WebClient } from '@slack/web-api';
import { Types } from 'mongoose';
import { SINGLE_WORKSPACE_ID } from '../../../../src/domain/workspace';
import { createNoticeData } from '../../../../src/reauth/notice-data';
import { ActionId, keyedActionId } from '../../../../src/slack/ids';
import { createNoticePublisher } from '../../../../src/slack/notice-publisher';
import { publisherClient } from '../../../../src/slack/workspace-slack';
import { createModels } from '../../../../src/store/models';
import { createNoticeStore } from '../../../../src/store/notices';
import { createOutbox } from '../../../../src/store/outbox';
import { allText, elementsWithActionIds } from '../../../support/block-kit';
import { observedEvent } from '../../../support/events';
import { silentLog } from '../../../support/silent-log';
import type { ButtonSource } from '../../../support/slack-signing';
import type { PostedMessage } from '../../../support/slack-standin';
import { ALERTS, ALICE, BOT_TOKEN, type Customer, TEAM, useListenerHarness } from '../harness';

const h = useListenerHarness('triage_action');
const DAY = 86_400_000;
const grace: Customer = { name: 'Grace Hopper', email: 'grace@example.com', utility: 'SCE' };
const alan: Customer = { name: 'Alan Turing', email: 'alan@example.com', utility: 'PG&E' };

/*
 * Triage over signed HTTP against the strict Slack stand-in and the embedded database: the notice (drawn
 * by the real notice publisher from the outbox), the App Home and `/reauth` each show what was done.
 */
describe('triage: "I\'m on it", Snooze and Dismiss', () => {
  let publish: () => Promise<unknown>;

  beforeAll(() => {
    const client: WebClient = publisherClient(BOT_TOKEN, {
      slackApiUrl: `${h.standin.url}/api/`,
      log: silentLog(),
    });
    const notices = createNoticeStore(h.connection);
    const publisher = createNoticePublisher({
      outbox: createOutbox(createModels(h.connection)),
      notices,
      noticeData: createNoticeData({ authorizations: h.authorizations, requests: h.requests }),
      slackFor: async () => ({ client, channel: ALERTS }),
      clock: () => h.now,
      log: silentLog(),
      minPostIntervalMs: 0,
    });
    publish = () => publisher.publishPending(500);
  });

  const noticeOf = (authorizationId: string): PostedMessage => {
    const found = [...h.standin.messages(ALERTS).values()].find(
      (m) => !m.threadTs && allText(m.blocks).includes(authorizationId),
    );
    if (!found) throw new Error(`no notice for ${authorizationId}`);
    return found;
  };
  const threadOf = (notice: PostedMessage): string =>
    notice.replies.map((ts) => allText(h.standin.messages(ALERTS).get(ts)?.blocks ?? [])).join('\n');

  /** Picks `optionText` in the menu `actionId` of `source`, as Slack sends a static_select choice. */
  async function choose(source: ButtonSource, actionId: string, optionText: string, via: string) {
    const blocks = 'message' in source ? source.message.blocks : source.view.blocks;
    const menu = elementsWithActionIds(blocks).find((e) => e.action_id === actionId) as unknown as {
      options: { text: { text: string }; value: string }[];
    };
    const option = menu?.options.find((o) => o.text.text === optionText);
    if (!option) throw new Error(`no option "${optionText}" in ${actionId}`);
    const action = {
      type: 'static_select',
      action_id: actionId,
      block_id: 'b',
      selected_option: option,
      action_ts: '1.0',
    };
    return h.click(source, via, { payload: (p) => ({ ...p, actions: [action] }) });
  }

  const rowNames = (blocks: readonly unknown[]) =>
    (blocks as { type: string; text?: { text: string } }[]).flatMap((b) =>
      b.type === 'section' ? (/^\*(.+?)\* · /.exec(b.text?.text ?? '')?.slice(1, 2) ?? []) : [],
    );

  it('"I\'m on it" on the notice shows on the notice, in its thread, in the audit trail and in the Home\'s Mine tab', async () => {
    const id = await h.seedBadLogin();
    await publish();
    const notice = noticeOf(id);
    expect(allText(notice.blocks)).not.toContain('is on it');

    expect((await h.click({ message: notice }, keyedActionId(ActionId.triage, 'assign'))).status).toBe(200);
    await publish();

    const updated = noticeOf(id);
    expect(allText(updated.blocks)).toContain(`<@${ALICE}> is on it`);
    expect(threadOf(updated)).toContain(`<@${ALICE}> is on it.`);
    const audit = await h.connection
      .collection('audit_events')
      .findOne({ authorizationId: new Types.ObjectId(id), action: 'triage.assign' });
    expect(audit).toMatchObject({ actor: `slack:${TEAM}/${ALICE}` });

    await h.openHome();
    await h.click({ view: h.currentHome() }, keyedActionId(ActionId.homeTab, 'mine'));
    const mine = h.currentHome();
    expect(rowNames(mine.blocks)).toEqual(['Ada Lovelace']);
    expect(allText(mine.blocks)).toContain(`<@${ALICE}> is on it`);
    // Someone else's Mine is empty.
    expect((await h.home.prepare(SINGLE_WORKSPACE_ID, 'U0BOB0001', { tab: 'mine' })).data.page.total).toBe(0);
  });

  it('Snooze on the Home hides the row until the clock passes the snooze, and the notice says until when', async () => {
    const id = await h.seed(grace, 'bad_login');
    await publish();
    await h.openHome({});
    await h.click({ view: h.currentHome() }, keyedActionId(ActionId.homeTab, 'bad_logins'));
    const home = h.currentHome();
    const row = rowNames(home.blocks).indexOf(grace.name);
    expect(row).toBeGreaterThanOrEqual(0);

    await choose(
      { view: home },
      keyedActionId(ActionId.triageSnooze, `${row}-snooze`),
      '3 days',
      keyedActionId(ActionId.openHistory, String(row)),
    );
    expect(rowNames(h.currentHome().blocks)).not.toContain(grace.name);
    await publish();
    expect(allText(noticeOf(id).blocks)).toContain(':zzz: Snoozed until');
    expect(threadOf(noticeOf(id))).toContain('snoozed this for 3 days');

    h.advance(3 * DAY - 60_000);
    await h.openHome();
    expect(rowNames(h.currentHome().blocks)).not.toContain(grace.name);
    h.advance(120_000);
    await h.openHome();
    expect(rowNames(h.currentHome().blocks)).toContain(grace.name);
  });

  it('Dismiss keeps the incident searchable and out of the lists; a new problem from the platform reopens it', async () => {
    const id = await h.seed(alan, 'bad_login');
    await publish();
    await choose(
      { message: noticeOf(id) },
      keyedActionId(ActionId.triageDismiss, 'dismiss'),
      'Customer churned',
      ActionId.openHistory,
    );
    await publish();
    const dismissed = noticeOf(id);
    expect(allText(dismissed.blocks)).toContain('Dismissed: Customer churned');
    expect(threadOf(dismissed)).toContain('dismissed this: Customer churned');

    const list = await h.command('list bad-logins');
    expect(allText(h.responsesTo(list.key)[0]?.body.blocks ?? [])).not.toContain(alan.name);
    const search = await h.command('alan');
    const found = h.responsesTo(search.key)[0]?.body;
    expect(allText(found?.blocks ?? [])).toContain('Dismissed: Customer churned');

    // The platform reports the authorization expired now: a new problem.
    const doc = await h.authorizations.findById(id);
    await h.authorizations.applyByKey(
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', externalId: doc?.externalId ?? '' },
      {
        event: observedEvent('expired', new Date(h.now.getTime() + 1000)),
        actor: 'platform',
        now: new Date(h.now.getTime() + 1000),
      },
    );
    await publish();
    const reopened = noticeOf(id);
    expect(allText(reopened.blocks)).not.toContain('Dismissed');
    expect(threadOf(reopened)).toContain('Reopened: the platform reports a new problem');
    const expired = await h.command('list expired');
    expect(allText(h.responsesTo(expired.key)[0]?.body.blocks ?? [])).toContain(alan.name);
  });

  it('"I\'m on it" in a /reauth list replaces the list with what happened and the row as it is now', async () => {
    const id = await h.seed(
      { name: 'Hedy Lamarr', email: 'hedy@example.com', utility: 'SDG&E' },
      'bad_login',
    );
    await h.seed({ name: 'Hedy Kiesler', email: 'hedy.k@example.com', utility: 'SDG&E' }, 'bad_login');
    const list = await h.command('hedy');
    const answer = h.responsesTo(list.key)[0];
    if (!answer) throw new Error('no answer to /reauth hedy');
    const message = {
      channel: 'C0SUPPORT1',
      ts: '1773327600.000100',
      text: answer.body.text ?? '',
      blocks: (answer.body.blocks ?? []) as PostedMessage['blocks'],
      replies: [],
      user: 'U0RELINKBOT',
      botId: 'B0RELINKBOT',
      updates: 0,
    } as PostedMessage;
    const key = 'triage-ephemeral';
    const row = rowNames(message.blocks ?? []).indexOf('Hedy Lamarr');
    await h.click({ message }, keyedActionId(ActionId.triage, `${row}-assign`), {
      payload: (p) => ({
        ...p,
        message: undefined,
        container: { type: 'message', is_ephemeral: true, channel_id: 'C0SUPPORT1', message_ts: message.ts },
        response_url: h.responseUrls.url(key),
      }),
    });
    const replaced = h.responsesTo(key)[0]?.body;
    expect(replaced?.replace_original).toBe(true);
    expect(replaced?.text).toBe("You're on it: Hedy Lamarr.");
    expect(allText(replaced?.blocks ?? [])).toContain(`<@${ALICE}> is on it`);
    expect((await h.authorizations.findById(id))?.triage?.assignee).toBe(ALICE);
  });

  it('refuses triage where there is no incident, telling only the person who clicked', async () => {
    const id = await h.seedBadLogin();
    await publish();
    const notice = noticeOf(id);
    await h.markActive(id);
    await h.click({ message: notice }, keyedActionId(ActionId.triage, 'assign'));
    expect(h.standin.ephemeralMessages.at(-1)?.text).toContain("doesn't need to reauthorize");
    expect((await h.authorizations.findById(id))?.triage ?? null).toBeNull();
    await publish(); // the resolved notice, within this test
  });

  it('refuses a guest: nothing is triaged and the refusal is audited', async () => {
    const guest = { userId: 'U0GUEST002', teamId: TEAM };
    h.standin.addUser({ id: guest.userId, isUltraRestricted: true });
    const id = await h.seed({ name: 'Mae Jemison', email: 'mae@example.com', utility: 'PG&E' }, 'bad_login');
    await publish();
    const refused = await h.refusalsDuring(() =>
      h.click({ message: noticeOf(id) }, keyedActionId(ActionId.triage, 'assign'), { user: guest }),
    );
    expect(refused).toEqual([expect.objectContaining({ reason: 'guest' })]);
    expect((await h.authorizations.findById(id))?.triage ?? null).toBeNull();
  });

  afterEach(() => {
    // The strict stand-in checks every view and message against Block Kit's limits: it refused nothing.
    const refused = h.standin.calls.filter((c) => !c.ok && c.method !== 'users.info');
    expect(refused.map((c) => `${c.method}: ${c.error}`)).toEqual([]);
  });
});
