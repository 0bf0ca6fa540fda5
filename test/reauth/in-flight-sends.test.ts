import { SendSubject } from '../../src/domain/record-ids';
import { DEFAULT_SEND_TIMINGS } from '../../src/domain/send-attempt';
import { renderReauthEmail } from '../../src/email/reauth-email';
import { useTestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { sendingFixture } from '../support/sending';

/*
 * Sends whose outcome relink does not know: SendGrid did not answer, or relink stopped mid-send. A
 * crash is played by writing exactly the records a dead sender leaves at that point; the sender that
 * looks next is a real one, on the same database, against the SendGrid stand-in.
 */

const WINDOW = DEFAULT_SEND_TIMINGS.confirmWithinMs;

describe('sends whose outcome is unknown', () => {
  const db = useTestDatabase('in-flight-sends');
  const f = sendingFixture(db);
  beforeAll(() => f.start());
  afterAll(() => f.stop());
  beforeEach(() => f.advance(3_600_000));

  const request = async (id: string) => {
    const found = await f.stores.requests.findById(id);
    if (!found) throw new Error(`no request ${id}`);
    return found;
  };
  /** What a sender that died at `step` leaves behind for attempt 1 of request `id`. */
  async function diedAt(step: 'claimed' | 'marked' | 'called', id: string) {
    const subject = SendSubject.request(id);
    const now = f.now;
    await f.stores.claims.claim(subject, 1, now, new Date(now.getTime() + DEFAULT_SEND_TIMINGS.callWithinMs));
    if (step === 'claimed') return;
    await f.stores.requests.set(id, { sendingSince: now, attempts: 1 });
    if (step === 'marked') return;
    const answerBy = new Date(now.getTime() + DEFAULT_SEND_TIMINGS.answerWithinMs);
    expect(await f.stores.claims.startCall(subject, 1, now, answerBy)).toBe(true);
  }
  /** The email the dead sender's call got SendGrid to accept. */
  async function acceptedBySendgrid(id: string) {
    const mailer = f.mailer();
    const rendered = renderReauthEmail({
      customerName: 'Jane Roe',
      utility: 'PG&E',
      reason: { state: 'bad_login', reason: 'invalid_credentials' },
      note: null,
      senderName: 'Sunny Solar',
      reauthUrl: 'https://utilityapi.com/authorize/x',
    });
    const to = { name: 'Jane Roe', email: 'jane@example.com' };
    await mailer.send({ requestId: id, attempt: 1, to, rendered, templateData: {} });
    const [message] = f.emailsFor(id);
    if (!message) throw new Error('not accepted');
    return message;
  }

  it('never sends twice after a timeout: SendGrid’s processed event records the email as sent', async () => {
    const id = await f.queue();
    f.sendgrid.answerAfter(600);
    await f.newSender({ mailTimeoutMs: 200 }).sendDue();
    expect(await request(id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      sendingSince: expect.any(Date),
    });
    const message = await eventually(() => f.emailsFor(id)[0], 'SendGrid to accept the held email');

    await f.newSender().sendDue();
    expect(f.emailsFor(id)).toHaveLength(1);
    expect(await f.report('processed', message)).toBe('send_confirmed');
    expect(await request(id)).toMatchObject({
      status: 'sent',
      sendgridMessageId: message.messageId,
      sendingSince: null,
      confirmBy: null,
    });
    expect(await f.effectsOf(id)).toEqual(['incident.opened', 'request.queued', 'request.sent']);
    f.advance(2 * WINDOW);
    await f.newSender().sendDue();
    expect(f.emailsFor(id)).toHaveLength(1);
  });

  it('offers Send again when no event comes within the window, and Send again sends exactly one email', async () => {
    const id = await f.queue();
    const held = f.sendgrid.holdNext({ ifClientLeaves: 'discard' });
    const running = f.newSender({ mailTimeoutMs: 200 });
    await running.sendDue();
    expect(await held.settled).toBe('discarded');

    f.advance(WINDOW - 1_000);
    await running.sendDue();
    expect((await request(id)).status).toBe('queued');
    f.advance(1_000);
    await running.sendDue();
    expect(await request(id)).toMatchObject({
      status: 'failed',
      sendingSince: null,
      lastError: { code: 'send_outcome_unknown' },
    });
    expect(await f.effectsOf(id)).toContain('request.unconfirmed');
    expect(f.emailsFor(id)).toHaveLength(0);

    await f.retry(id);
    await Promise.all([f.newSender().sendDue(), f.newSender().sendDue()]);
    expect(f.emailsFor(id).map((m) => m.customArgs.relink_attempt)).toEqual(['2']);
    expect((await request(id)).status).toBe('sent');
  });

  it('takes a late event after "could not confirm" as the truth: sent, and nothing left to send again', async () => {
    const id = await f.queue();
    f.sendgrid.answerAfter(500);
    const running = f.newSender({ mailTimeoutMs: 200 });
    await running.sendDue();
    const message = await eventually(() => f.emailsFor(id)[0], 'SendGrid to accept the held email');
    f.advance(WINDOW);
    await running.sendDue();
    expect((await request(id)).status).toBe('failed');

    expect(await f.report('delivered', message)).toBe('status_delivered');
    expect(await request(id)).toMatchObject({ status: 'delivered', sendgridMessageId: message.messageId });
    await expect(f.retry(id)).rejects.toMatchObject({ code: 'request_not_failed' });
    expect(f.emailsFor(id)).toHaveLength(1);
  });

  it('sends by itself, once, when relink stopped after claiming but before calling SendGrid', async () => {
    const id = await f.queue();
    await diedAt('marked', id);
    await f.newSender().sendDue();
    expect(f.emailsFor(id)).toHaveLength(0); // the claim may still be its owner's
    f.advance(DEFAULT_SEND_TIMINGS.callWithinMs);
    await Promise.all([f.newSender().sendDue(), f.newSender().sendDue()]);
    expect(f.emailsFor(id).map((m) => m.customArgs.relink_attempt)).toEqual(['2']);
    expect(await request(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('skips a claim whose sender died before it could mark the request', async () => {
    const id = await f.queue();
    await diedAt('claimed', id);
    await f.newSender().sendDue();
    f.advance(DEFAULT_SEND_TIMINGS.callWithinMs);
    await f.newSender().sendDue();
    await f.newSender().sendDue();
    expect(f.emailsFor(id).map((m) => m.customArgs.relink_attempt)).toEqual(['2']);
  });

  it('waits for the event when relink stopped after SendGrid accepted but before it recorded that', async () => {
    const id = await f.queue();
    await diedAt('called', id);
    const message = await acceptedBySendgrid(id);
    await f.newSender().sendDue();
    f.advance(DEFAULT_SEND_TIMINGS.answerWithinMs);
    await f.newSender().sendDue();
    expect(await request(id)).toMatchObject({ status: 'queued', confirmBy: expect.any(Date) });

    expect(await f.report('processed', message)).toBe('send_confirmed');
    f.advance(WINDOW);
    await f.newSender().sendDue();
    expect(f.emailsFor(id)).toHaveLength(1);
    expect(await request(id)).toMatchObject({ status: 'sent', sendgridMessageId: message.messageId });
  });

  it('gives SendGrid a full window after a restart, even when the window had closed while relink was down', async () => {
    const id = await f.queue();
    const held = f.sendgrid.holdNext({ ifClientLeaves: 'accept' });
    await f.newSender({ mailTimeoutMs: 200 }).sendDue();
    const message = await eventually(
      () => f.emailsFor(id)[0],
      'SendGrid to take the email as the client left',
    );
    expect(await held.settled).toBe('accepted');
    f.advance(10 * WINDOW); // relink was down all this time; SendGrid kept its events

    const restarted = f.newSender();
    await restarted.sendDue();
    expect((await request(id)).status).toBe('queued');
    expect(await f.report('processed', message)).toBe('send_confirmed');
    expect(await f.effectsOf(id)).not.toContain('request.unconfirmed');
    expect(f.emailsFor(id)).toHaveLength(1);
  });

  it('never re-sends a send from before claims existed: it waits, then offers Send again', async () => {
    const id = await f.queue();
    await f.stores.requests.set(id, { sendingSince: f.now, attempts: 1 }); // no claim, no call
    const restarted = f.newSender();
    f.advance(DEFAULT_SEND_TIMINGS.answerWithinMs);
    await restarted.sendDue();
    f.advance(WINDOW);
    await restarted.sendDue();
    expect(await request(id)).toMatchObject({
      status: 'failed',
      lastError: { code: 'send_outcome_unknown' },
    });
    expect(f.emailsFor(id)).toHaveLength(0);
  });

  it('gives up an attempt whose link took longer than its claim allows, and sends on the next', async () => {
    const id = await f.queue();
    await f.newSender({ timings: { callWithinMs: 0 } }).sendDue();
    expect(await request(id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      sendingSince: null,
      lastError: { code: 'form_failed' },
    });
    f.advance(60_000);
    await f.newSender().sendDue();
    expect(f.emailsFor(id).map((m) => m.customArgs.relink_attempt)).toEqual(['2']);
  });
});
