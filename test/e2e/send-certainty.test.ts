import type { StartOptions } from '../../src/main';
import { ActionId } from '../../src/slack/ids';
import { eventually } from '../support/eventually';
import { killAllRelinkProcesses, type RelinkProcess } from '../support/relink-process';
import { relinkWorld } from '../support/relink-world';
import type { PostedMessage } from '../support/slack-standin';

/*
 * relink killed with SIGKILL in each window of a send, then started again on the same database and
 * URL: before SendGrid gets the request, while SendGrid holds it, and after SendGrid answered but
 * before relink recorded the answer. Within 60 s of the restart there is either exactly one email,
 * confirmed, or a "could not confirm" reply whose Send again produces exactly one email. Never two.
 * Deadlines are shortened (the same code, smaller numbers) so the file runs in seconds; the defaults'
 * 60-second bound is checked in test/domain/send-attempt.test.ts.
 */

jest.setTimeout(90_000);

const OPTIONS: StartOptions = {
  processEvery: 200,
  // Only the send job runs more often: the flows run every step as soon as there is work. (A publish
  // pass between an authorization's outbox entry and its update draws the notice from the old record,
  // store/authorizations.ts writes the entry first; a publish job every second keeps hitting that.)
  jobIntervals: { sendRequests: '1 second' },
  send: { timings: { callWithinMs: 1_500, confirmWithinMs: 4_000 }, mailTimeoutMs: 2_500 },
};
const WITHIN_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('relink killed mid-send', () => {
  const world = relinkWorld('send-certainty', OPTIONS);
  let slot: Awaited<ReturnType<typeof world.newProcess>>;
  let relink: RelinkProcess;

  beforeAll(async () => {
    await world.start();
    slot = await world.newProcess();
    world.sendgrid.setEventWebhook({ url: slot.eventsUrl });
    relink = await slot.start();
  });
  afterAll(async () => {
    await killAllRelinkProcesses();
    await world.stop();
  });

  /** A customer's notice and the preview of Alice's request, ready to Send. */
  async function readyToSend(name: string) {
    const customer = { name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com` };
    const notice = await world.badLogin(relink, customer.name, customer.email);
    const preview = await world.preview(relink, notice, customer);
    return { customer, notice, preview };
  }
  /**
   * Sends, and waits until the "sending the email" reply is in the thread and recorded, so the kill hits
   * the send and not a Slack post: a post cut short is the notice publisher's to recover (its claim's
   * lease, two minutes), and the thread's later lines wait behind it.
   */
  async function send(notice: PostedMessage, preview: Awaited<ReturnType<typeof readyToSend>>['preview']) {
    await world.send(relink, preview);
    await world.replyWith(notice, 'asked the customer to reauthorize', 10_000);
    // Posted; recorded once the outbox holds nothing more (the email itself is held or under way).
    await eventually(async () => (await world.outboxPending()) === 0, 'the reply to be recorded', 10_000);
  }
  /** Starts relink again; the time it was started. */
  async function restart(): Promise<number> {
    const startedAt = Date.now();
    relink = await slot.start();
    return startedAt;
  }
  /** Nothing more happens for a while: no second email turns up late. */
  async function settledWithOneEmail(email: string, notice: PostedMessage) {
    await sleep(1_200);
    expect(world.emailsTo(email)).toHaveLength(1);
    expect(world.thread(notice).filter((m) => JSON.stringify(m).includes('Email sent to'))).toHaveLength(1);
  }

  it('before SendGrid gets the request: the email goes out by itself after the restart, once', async () => {
    const { customer, notice, preview } = await readyToSend('Ada Before');
    // relink is stopped while it waits for the platform's reauthorization link.
    const held = world.platformProxy.holdNext(
      (req) => req.method === 'POST' && /\/forms$/.test(req.url ?? ''),
    );
    await send(notice, preview);
    await held;
    await relink.kill('SIGKILL');
    expect(world.emailsTo(customer.email)).toHaveLength(0);

    const startedAt = await restart();
    await world.replyWith(notice, 'Email sent to');
    expect(Date.now() - startedAt).toBeLessThan(WITHIN_MS);
    await settledWithOneEmail(customer.email, notice);
    expect(world.thread(notice).some((m) => JSON.stringify(m).includes('could not confirm'))).toBe(false);
  });

  it('while SendGrid holds it (and then sends it): SendGrid’s event confirms the one email', async () => {
    const { customer, notice, preview } = await readyToSend('Grace Holding');
    const held = world.sendgrid.holdNext({ ifClientLeaves: 'accept' });
    await send(notice, preview);
    await held.received;
    await relink.kill('SIGKILL');
    expect(await held.settled).toBe('accepted');

    const startedAt = await restart();
    await world.replyWith(notice, 'Email sent to');
    expect(Date.now() - startedAt).toBeLessThan(WITHIN_MS);
    await settledWithOneEmail(customer.email, notice);
    expect(world.thread(notice).some((m) => JSON.stringify(m).includes('could not confirm'))).toBe(false);
  });

  it('while SendGrid holds it (and then drops it): Send again is offered and sends exactly one email', async () => {
    const { customer, notice, preview } = await readyToSend('Hedy Dropped');
    const held = world.sendgrid.holdNext({ ifClientLeaves: 'discard' });
    await send(notice, preview);
    await held.received;
    await relink.kill('SIGKILL');
    expect(await held.settled).toBe('discarded');

    const startedAt = await restart();
    const reply = await world.replyWith(notice, 'could not confirm');
    expect(Date.now() - startedAt).toBeLessThan(WITHIN_MS);
    expect(world.emailsTo(customer.email)).toHaveLength(0);
    // The notice and the Home row say what the thread says, not "could not be sent".
    const unconfirmed = 'relink could not confirm the email went out';
    const card = await eventually(() => {
      const text = JSON.stringify(world.noticesFor(customer.name)[0]?.blocks ?? []);
      return text.includes(unconfirmed) && text;
    }, 'the notice to say the email could not be confirmed');
    expect(card).not.toContain('could not be sent');
    expect(JSON.stringify(await world.openHome(relink))).toContain(`${unconfirmed}`);

    // A double click: one more email, not two.
    await Promise.all([
      world.click(relink, reply, ActionId.sendAgain),
      world.click(relink, reply, ActionId.sendAgain),
    ]);
    await world.replyWith(notice, 'Email sent to');
    await settledWithOneEmail(customer.email, notice);
  });

  it('after SendGrid answered but before relink recorded it: the event confirms the one email', async () => {
    const { customer, notice, preview } = await readyToSend('Katherine Answered');
    const held = world.sendgrid.holdNext();
    await send(notice, preview);
    await held.received;
    // Frozen, relink cannot read the answer that is about to reach its socket; then it dies.
    await relink.kill('SIGSTOP');
    held.accept();
    expect(await held.settled).toBe('accepted');
    await sleep(200);
    await relink.kill('SIGKILL');
    expect(world.sendgrid.requests.at(-1)?.status).toBe(202);

    const startedAt = await restart();
    await world.replyWith(notice, 'Email sent to');
    expect(Date.now() - startedAt).toBeLessThan(WITHIN_MS);
    await settledWithOneEmail(customer.email, notice);
  });
});
