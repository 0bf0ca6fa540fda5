import type { ViewOutput } from '@slack/bolt';
import type { View } from '@slack/types';
import { ActionId, BlockId, CallbackId, keyedActionId } from '../../src/slack/ids';
import { formValues, initialValues, viewText } from '../slack/listeners/harness';
import { useE2eRelink } from '../support/e2e-relink';
import { eventually } from '../support/eventually';
import { utilityApiTime } from '../support/utilityapi-standin';

/*
 * The worklist as a team finds it: `/reauth` (a search, a filter) and the App Home (tabs, paging, the
 * row's button), end to end through startRelink over signed HTTP, with the data arriving the real way:
 * a signed UtilityAPI webhook batch, re-fetched from the platform stand-in.
 */

// 25 bad logins (two of them Janes, so paging needs a second page), and one expired authorization.
const BAD_LOGINS = new Map<string, string>([
  ['Jane Doe', 'jane@example.com'],
  ['Mary Janet Roe', 'mary.roe@example.com'],
  ...Array.from({ length: 23 }, (_, i) => [`Pat Kim ${i + 10}`, `pat.${i + 10}@example.com`] as const),
]);
const EXPIRED = 'Katherine Johnson';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type LooseElement = { action_id?: string; style?: string; text?: string | { text: string } };
type LooseBlock = { type: string; text?: { text: string }; elements?: LooseElement[] };
const blocksOf = (view: { blocks?: readonly unknown[] }) => (view.blocks ?? []) as LooseBlock[];
const ROW = /^\*(.+?)\* · /;
/** Customer names of the worklist rows, top to bottom. */
const rowNames = (view: { blocks?: readonly unknown[] }) =>
  blocksOf(view).flatMap((b) =>
    b.type === 'section' ? (ROW.exec(b.text?.text ?? '')?.slice(1, 2) ?? []) : [],
  );
/** The request status line under a row (the context block after its section). */
const rowStatus = (view: ViewOutput, name: string) => {
  const blocks = blocksOf(view);
  const at = blocks.findIndex((b) => b.type === 'section' && b.text?.text.startsWith(`*${name}* · `));
  const text = blocks[at + 1]?.elements?.[0]?.text;
  return typeof text === 'string' ? text : undefined;
};
const elements = (view: ViewOutput) =>
  blocksOf(view).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
const hasButton = (view: ViewOutput, actionId: string) =>
  elements(view).some((e) => e.action_id === actionId);
/** Labels of the tab buttons styled primary (the tab shown). */
const primaryTabs = (view: ViewOutput) =>
  elements(view)
    .filter((e) => e.action_id?.startsWith(`${ActionId.homeTab}.`) && e.style === 'primary')
    .map((e) => (typeof e.text === 'object' ? e.text.text : e.text));
const rangeText = (view: ViewOutput) => viewText(view).match(/^\d+–\d+ of \d+$/m)?.[0];

describe('the /reauth command and the App Home, end to end', () => {
  const e2e = useE2eRelink('e2e-worklist');
  const { slack, sendgrid, utilityapi, responseUrls, home, publishedBy } = e2e;

  beforeAll(async () => {
    const ago = (minutes: number) => utilityApiTime(new Date(Date.now() - minutes * 60_000));
    const badLogins = [...BAD_LOGINS].map(([name, email], i) =>
      utilityapi.upsertAuthorization({
        customer_email: email,
        customer_signature: { type: 'text', ts: ago(600), full_name: name },
        notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: ago(i + 1) }],
      }),
    );
    const expired = utilityapi.upsertAuthorization({
      customer_signature: { type: 'text', ts: ago(200_000), full_name: EXPIRED },
      expires: ago(60),
      is_expired: true,
    });
    const events = [
      ...badLogins.map((a) => ({ type: 'authorization_update_finished_errored', authorization_uid: a.uid })),
      { type: 'authorization_expired', authorization_uid: expired.uid },
    ];
    const status = await e2e.deliver(events);
    expect(status).toBe(200);
    // Processed once the Home counts them all (their notices trickle out at Slack's 1 message/s).
    await eventually(async () => {
      const text = viewText(await openHome());
      return text.includes('Bad logins *25*') && text.includes('All *26*') ? true : undefined;
    }, 'relink to process the webhook batch');
  });

  let commands = 0;
  /** Types `/reauth <text>` as Alice; returns the key of the response_url the answer goes to. */
  const reauth = async (text: string) => {
    const key = `command-${++commands}`;
    const answer = await e2e.command(text, { key, channel: 'C0SUPPORT43' });
    expect(answer.status).toBe(200);
    return key;
  };
  const answerTo = (key: string) =>
    eventually(() => responseUrls.posts.find((p) => p.key === key), `the answer to ${key}`);
  /** The modal opened by views.open call number `before` (counting from 0), once answered. */
  const openedForm = async (before: number) => {
    const answered = () => slack.callsTo('views.open').find((c, i) => i >= before && c.status !== 0);
    const call = await eventually(answered, 'views.open');
    expect(call.error).toBeUndefined();
    const id = (call.response as { view: { id: string } }).view.id;
    return slack.views.byId.get(id)?.output as ViewOutput;
  };

  const openHome = () => publishedBy(() => e2e.openHome());
  const click = (view: ViewOutput, actionId: string) => e2e.click({ view }, actionId);
  const clickHome = (actionId: string) => publishedBy(() => click(home(), actionId));
  const submit = async (view: ViewOutput, values: Parameters<typeof formValues>[0] | null) => {
    const answer = await e2e.submit(view, values ? formValues(values) : {});
    const json = answer.json as { response_action?: string; view?: View };
    expect(json?.response_action).toBe('update');
    // What Slack does with `response_action: 'update'`.
    await e2e.direct.views.update({ view_id: view.id, view: json.view as View });
    return slack.views.byId.get(view.id)?.output as ViewOutput;
  };

  it('opens the prefilled reauth form for /reauth jane@example.com', async () => {
    const before = slack.callsTo('views.open').length;
    await reauth('jane@example.com');
    const form = await openedForm(before);
    expect(form.callback_id).toBe(CallbackId.reauthForm);
    expect(initialValues(form)).toMatchObject({
      [BlockId.customerName]: 'Jane Doe',
      [BlockId.customerEmail]: 'jane@example.com',
      [BlockId.utility]: 'PG&E',
    });
  });

  it('lists both Janes in an answer only Alice sees for /reauth jan, without opening a form', async () => {
    const before = slack.callsTo('views.open').length;
    const answer = await answerTo(await reauth('jan'));
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.problems).toEqual([]);
    expect(rowNames(answer.body).sort()).toEqual(['Jane Doe', 'Mary Janet Roe']);
    expect(answer.body.text).toContain('2 authorizations match');
    expect(slack.callsTo('views.open')).toHaveLength(before);
  });

  it('explains when /reauth finds nothing', async () => {
    const answer = await answerTo(await reauth('nothing-here'));
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toContain('No authorization matches');
    expect(rowNames(answer.body)).toEqual([]);
  });

  it('lists only bad logins for /reauth list bad-logins: ten rows and how many more', async () => {
    const answer = await answerTo(await reauth('list bad-logins'));
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.problems).toEqual([]);
    expect(answer.body.text).toBe('Bad logins: 25 authorizations');
    const names = rowNames(answer.body);
    expect(names).toHaveLength(10);
    expect(new Set(names).size).toBe(10);
    for (const name of names) expect(BAD_LOGINS.has(name)).toBe(true);
    expect(JSON.stringify(answer.body.blocks)).toContain('…and 15 more');
  });

  it('opens the Home on Bad logins with every count and the first 20 rows', async () => {
    const view = await openHome();
    const text = viewText(view);
    for (const count of ['Bad logins *25*', 'Expired / Declined *1*', 'Awaiting customer *0*', 'All *26*'])
      expect(text).toContain(count);
    expect(primaryTabs(view)).toEqual(['Bad logins']);
    // Newest problem first by the platform's own time for it (each note is a minute older than the
    // one before), though relink processed the whole batch at once.
    const names = rowNames(view);
    expect(names).toEqual([...BAD_LOGINS.keys()].slice(0, 20));
    // (A slow machine may take a few minutes to get here.)
    expect(text).toMatch(/since [1-4] minutes? ago/);
    expect(text).toMatch(/since 2[0-4] minutes ago/);
    for (const name of names) expect(rowStatus(view, name)).toBe('No request yet');
    expect(rangeText(view)).toBe('1–20 of 25');
    expect(hasButton(view, ActionId.homeNext)).toBe(true);
    expect(hasButton(view, ActionId.homePrevious)).toBe(false);
  });

  it('pages through the bad logins with Next and Previous', async () => {
    const first = rowNames(await openHome());
    const second = await clickHome(ActionId.homeNext);
    expect(rangeText(second)).toBe('21–25 of 25');
    expect(hasButton(second, ActionId.homeNext)).toBe(false);
    expect(hasButton(second, ActionId.homePrevious)).toBe(true);
    expect([...first, ...rowNames(second)]).toEqual([...BAD_LOGINS.keys()]);

    const back = await clickHome(ActionId.homePrevious);
    expect(rangeText(back)).toBe('1–20 of 25');
    expect(rowNames(back)).toEqual(first);
  });

  it('shows the tab clicked, marked as the current one', async () => {
    await openHome();
    const view = await clickHome(keyedActionId(ActionId.homeTab, 'expired_declined'));
    expect(primaryTabs(view)).toEqual(['Expired / Declined']);
    expect(rowNames(view)).toEqual([EXPIRED]);
    expect(rangeText(view)).toBe('1–1 of 1');
    expect(viewText(view)).toContain('Bad logins *25*');
  });

  it("asks from the Home's row: the same form, one email, and the row awaits the customer", async () => {
    await openHome();
    const list = await clickHome(keyedActionId(ActionId.homeTab, 'bad_logins'));
    const name = rowNames(list)[0] ?? '';
    const email = BAD_LOGINS.get(name) ?? '';

    const before = slack.callsTo('views.open').length;
    expect((await click(list, keyedActionId(ActionId.askReauth, '0'))).status).toBe(200);
    const form = await openedForm(before);
    expect(form.callback_id).toBe(CallbackId.reauthForm);
    expect(initialValues(form)).toMatchObject({
      [BlockId.customerName]: name,
      [BlockId.customerEmail]: email,
      [BlockId.utility]: 'PG&E',
    });

    const preview = await submit(form, { name, email, utility: 'PG&E' });
    expect(preview.callback_id).toBe(CallbackId.reauthPreview);
    await submit(preview, null);
    await eventually(() => sendgrid.messages.find((m) => m.to.includes(email)), 'the email');
    await sleep(500);
    expect(sendgrid.messages.map((m) => m.to)).toEqual([[email]]);

    const awaiting = await eventually(async () => {
      const view = await clickHome(keyedActionId(ActionId.homeTab, 'awaiting_customer'));
      return rowNames(view).length > 0 ? view : undefined;
    }, 'the row on Awaiting customer');
    expect(primaryTabs(awaiting)).toEqual(['Awaiting customer']);
    expect(viewText(awaiting)).toContain('Awaiting customer *1*');
    expect(rowNames(awaiting)).toEqual([name]);
    expect(rowStatus(awaiting, name)).toMatch(/^Email sent /);
  });
});
