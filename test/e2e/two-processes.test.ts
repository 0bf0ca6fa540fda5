import type { StartOptions } from '../../src/main';
import { ActionId } from '../../src/slack/ids';
import { viewText } from '../slack/listeners/harness';
import { eventually } from '../support/eventually';
import { killAllRelinkProcesses, type RelinkProcess } from '../support/relink-process';
import { relinkWorld } from '../support/relink-world';
import type { PostedMessage } from '../support/slack-standin';

/*
 * Two relink processes sharing one database (MONGODB_URI), both running every job and both receiving
 * the same webhooks, clicks and double submits, as behind a load balancer: each request one email.
 */

jest.setTimeout(60_000);

const OPTIONS: StartOptions = {
  processEvery: 200,
  // Only the send job runs more often: the flows run every step as soon as there is work. (A publish
  // pass between an authorization's outbox entry and its update draws the notice from the old record,
  // store/authorizations.ts writes the entry first; a publish job every second keeps hitting that.)
  jobIntervals: { sendRequests: '1 second' },
  send: { timings: { callWithinMs: 1_500, confirmWithinMs: 4_000 }, mailTimeoutMs: 2_500 },
};
const INVALID_ADDRESS = {
  errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to', help: null }],
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** README "Scale out": a process's worklist re-reads what other processes wrote every 30 s. */
const STATED_FRESHNESS_MS = 30_000;
/** Customer names of the worklist rows in a Home or a /reauth list, top to bottom. */
const rowNames = (view: { blocks?: readonly unknown[] }) =>
  ((view.blocks ?? []) as { type: string; text?: { text?: string } }[]).flatMap((b) =>
    b.type === 'section' ? (/^\*(.+?)\* · /.exec(b.text?.text ?? '')?.slice(1, 2) ?? []) : [],
  );
/** The tab counts of a Home ("Bad logins *3*" …), which name every list's size. */
const tabCounts = (view: { blocks: readonly unknown[] }) => viewText(view).match(/^.+ \*\d+\*$/gm) ?? [];

describe('two relink processes on one database', () => {
  const world = relinkWorld('two-processes', OPTIONS);
  let a: RelinkProcess;
  let b: RelinkProcess;

  beforeAll(async () => {
    await world.start();
    const [slotA, slotB] = await Promise.all([world.newProcess(), world.newProcess()]);
    world.sendgrid.setEventWebhook({ url: slotA.eventsUrl });
    [a, b] = await Promise.all([slotA.start(), slotB.start()]);
  });
  afterAll(async () => {
    await killAllRelinkProcesses();
    await world.stop();
  });

  const customer = (name: string) => ({
    name,
    email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`,
  });
  const sentReplies = (notice: PostedMessage) =>
    world.thread(notice).filter((m) => JSON.stringify(m).includes('Email sent to'));

  it('send one email for the same Send and double submits delivered to both', async () => {
    const ada = customer('Ada Twice');
    const notice = await world.badLogin([a, b], ada.name, ada.email);
    const preview = await world.preview(a, notice, ada);

    const answers = await Promise.all([
      world.send(a, preview),
      world.send(b, preview),
      world.send(a, preview),
      world.send(b, preview),
    ]);
    for (const answer of answers) expect(answer.status).toBe(200);
    await world.replyWith(notice, 'Email sent to', 15_000);
    await sleep(1_200);
    expect(world.emailsTo(ada.email)).toHaveLength(1);
    expect(sentReplies(notice)).toHaveLength(1);
    expect(world.noticesFor(ada.name)).toHaveLength(1);
  });

  it('send each of several requests once while both run their send jobs', async () => {
    const people = ['Grace Many', 'Hedy Many', 'Joan Many'].map(customer);
    const notices = await Promise.all(people.map((p, i) => world.badLogin(i % 2 ? a : b, p.name, p.email)));
    const previews = [];
    for (const [i, p] of people.entries())
      previews.push(await world.preview(a, notices[i] as PostedMessage, p));
    await Promise.all(previews.map((preview, i) => world.send(i % 2 ? b : a, preview)));

    for (const notice of notices) await world.replyWith(notice, 'Email sent to', 15_000);
    await sleep(1_200);
    for (const p of people) expect(world.emailsTo(p.email)).toHaveLength(1);
  });

  it('serve the same Home and /reauth from both, the other process within the stated freshness', async () => {
    const lin = customer('Lin Fresh');
    // Only process a hears of the bad login (the load balancer sent it the webhook).
    await world.badLogin(a, lin.name, lin.email);
    const storedAt = Date.now();
    expect(rowNames(await world.openHome(a))).toContain(lin.name);

    // b hears of it at its worklist's next look at the database.
    await eventually(
      async () => {
        if (rowNames(await world.openHome(b)).includes(lin.name)) return true;
        await sleep(1_000);
        return false;
      },
      `process b's Home to list ${lin.name}`,
      STATED_FRESHNESS_MS + 15_000,
    );
    expect(Date.now() - storedAt).toBeLessThanOrEqual(STATED_FRESHNESS_MS + 5_000);
    const badLogins = await world.reauth(b, 'list bad-logins');
    expect(badLogins.problems).toEqual([]);
    expect(rowNames(badLogins.body)).toContain(lin.name);

    // Both answer the same: the Home's rows and counts, and /reauth's list. Writes from the tests above
    // reach each process within the same freshness, so wait for them to agree, no longer.
    const sameFromBoth = async () => {
      const [homeA, homeB] = [await world.openHome(a), await world.openHome(b)];
      const [listA, listB] = [await world.reauth(a, 'list all'), await world.reauth(b, 'list all')];
      const home = { rows: rowNames(homeA), counts: tabCounts(homeA) };
      const list = { text: listA.body.text, rows: rowNames(listA.body) };
      const same =
        JSON.stringify(home) === JSON.stringify({ rows: rowNames(homeB), counts: tabCounts(homeB) }) &&
        JSON.stringify(list) === JSON.stringify({ text: listB.body.text, rows: rowNames(listB.body) });
      if (!same) await sleep(1_000);
      return same && { home, list };
    };
    const agreed = await eventually(sameFromBoth, 'both processes to agree', STATED_FRESHNESS_MS + 5_000);
    expect(agreed.home.rows).toContain(lin.name);
    expect(agreed.home.counts.length).toBeGreaterThan(0);
    expect(agreed.list.rows).toContain(lin.name);
  }, 120_000);

  it('send one email for the same Retry clicked in both, twice', async () => {
    const katherine = customer('Katherine Retry');
    const notice = await world.badLogin([a, b], katherine.name, katherine.email);
    const preview = await world.preview(b, notice, katherine);
    world.sendgrid.failNext(400, INVALID_ADDRESS);
    await world.send(b, preview);
    const failed = await world.replyWith(notice, 'SendGrid refused the email', 15_000);
    expect(world.emailsTo(katherine.email)).toHaveLength(0);

    const clicks = [a, b, a, b].map((p) => world.click(p, failed, ActionId.retrySend));
    for (const answer of await Promise.all(clicks)) expect(answer.status).toBe(200);
    await world.replyWith(notice, 'Email sent to', 15_000);
    await sleep(1_200);
    expect(world.emailsTo(katherine.email)).toHaveLength(1);
    expect(sentReplies(notice)).toHaveLength(1);
  });
});
