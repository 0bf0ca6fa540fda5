import { SendSubject } from '../../src/domain/record-ids';
import { createReminderSender } from '../../src/reauth/reminder-sender';
import { useTestDatabase } from '../support/database';
import { sendingFixture } from '../support/sending';
import { silentLog } from '../support/silent-log';

const TIMINGS = { callWithinMs: 15_000, answerWithinMs: 12_000 };

describe('sending one reminder', () => {
  const db = useTestDatabase('reminder-sender');
  const f = sendingFixture(db);
  beforeAll(() => f.start());
  afterAll(() => f.stop());

  const sender = () =>
    createReminderSender({
      claims: f.stores.claims,
      mailer: f.mailer(),
      utilityapi: f.utilityApiAccounts(),
      senderName: 'Sunny Solar',
      clock: f.clock,
      log: silentLog(),
      timings: TIMINGS,
    });

  /** A sent request, its authorization and its reminder series, as the reminder job reads them. */
  async function due() {
    const id = await f.queue();
    await f.newSender().sendDue();
    const request = await f.stores.requests.findById(id);
    const authorization = await f.stores.authorizations.findById(
      request?.authorizationId.toHexString() ?? '',
    );
    const entry = await f.stores.requests.reminderQueue.get(authorization?._id.toHexString() ?? '');
    if (!request || !authorization || !entry) throw new Error('not sent');
    return { id, input: { entry, request, authorization, number: 1, stillDue: async () => true } };
  }

  it('sends nothing when the request is no longer due after the claim, and abandons the attempt', async () => {
    const { id, input } = await due();
    expect(await sender().send({ ...input, stillDue: async () => false })).toEqual({ kind: 'skipped' });
    expect(f.emailsFor(id)).toHaveLength(1);
    expect(await f.stores.claims.findCall(SendSubject.reminder(id, 1), 1)).toEqual({ state: 'abandoned' });
  });

  it('leaves an attempt another sender holds alone, and abandons it once its time to call ran out', async () => {
    const { id, input } = await due();
    const subject = SendSubject.reminder(id, 1);
    // Another sender claimed the attempt and died before calling SendGrid.
    await f.stores.claims.claim(subject, 1, f.now, new Date(f.now.getTime() + TIMINGS.callWithinMs));
    expect(await sender().send(input)).toEqual({ kind: 'skipped' });
    f.advance(TIMINGS.callWithinMs);
    expect(await sender().send(input)).toEqual({ kind: 'not_sent', code: 'abandoned' });
    expect(f.emailsFor(id)).toHaveLength(1);
    // The next attempt sends it.
    const sent = await sender().send({ ...input, entry: { ...input.entry, attempt: 2 } });
    expect(sent).toMatchObject({ kind: 'sent', confirmed: true });
    expect(f.emailsFor(id)).toHaveLength(2);
  });

  it('dates a reminder from its call to SendGrid, however late the answer comes: the next counts from it', async () => {
    const { input } = await due();
    const held = f.sendgrid.holdNext();
    const calledAt = f.now;
    const sending = sender().send(input);
    await held.received;
    f.advance(5_000);
    held.accept();
    expect(await sending).toEqual({ kind: 'sent', at: calledAt, confirmed: true });
  });

  it('counts a reminder whose call may have reached SendGrid as sent, and never sends a second', async () => {
    const { id, input } = await due();
    const subject = SendSubject.reminder(id, 1);
    // Another sender called SendGrid and died before its answer was recorded.
    await f.stores.claims.claim(subject, 1, f.now, new Date(f.now.getTime() + TIMINGS.callWithinMs));
    await f.stores.claims.startCall(subject, 1, f.now, new Date(f.now.getTime() + TIMINGS.answerWithinMs));
    expect(await sender().send(input)).toEqual({ kind: 'skipped' });
    f.advance(TIMINGS.answerWithinMs);
    expect(await sender().send(input)).toMatchObject({ kind: 'sent', confirmed: false });
    expect(f.emailsFor(id)).toHaveLength(1);
  });
});
