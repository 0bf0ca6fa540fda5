import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createReminders, type RemindersDeps } from '../../src/reauth/reminders';
import { useTestDatabase } from '../support/database';
import { ALICE } from '../support/requests';
import { sendingFixture } from '../support/sending';
import { silentLog } from '../support/silent-log';

const DAY = 86_400_000;

describe('reminders', () => {
  const db = useTestDatabase('reminders');
  const f = sendingFixture(db);
  beforeAll(() => f.start());
  afterAll(() => f.stop());
  beforeEach(() => {
    f.sendgrid.setDown(false);
    f.advance(DAY);
  });

  /** The reminders service as main.ts builds it, on the fixture's stores, stand-ins and clock. */
  const reminders = (deps: Partial<RemindersDeps> = {}) =>
    createReminders({
      requests: f.stores.requests,
      authorizations: f.stores.authorizations,
      claims: f.stores.claims,
      mailer: f.mailer(),
      utilityapi: f.utilityApiAccounts(),
      settingsOf: async () => ({ afterDays: 3, max: 2 }),
      senderName: 'Sunny Solar',
      clock: f.clock,
      log: silentLog(),
      ...deps,
    });

  /** A request whose first email went out now: its id and its authorization's. */
  async function sent(): Promise<{ id: string; authorizationId: string }> {
    const id = await f.queue();
    await f.newSender().sendDue();
    const request = await f.stores.requests.findById(id);
    expect(request?.status).toBe('sent');
    return { id, authorizationId: request?.authorizationId.toHexString() ?? '' };
  }
  const auditActions = async (authorizationId: string) =>
    (await f.stores.authorizations.history(authorizationId)).map((e) => e.action);

  it('sends reminders N days apart with fresh links, then marks the request no response, each once', async () => {
    const { id, authorizationId } = await sent();
    const firstLink = f.utilityapi.forms.at(-1)?.url;
    const service = reminders();

    f.advance(3 * DAY - 60_000);
    await service.remindDue();
    expect(f.emailsFor(id)).toHaveLength(1);

    f.advance(60_000);
    await service.remindDue();
    await service.remindDue();
    const [, reminder, ...more] = f.emailsFor(id);
    expect(more).toEqual([]);
    expect(reminder?.subject).toBe('Reminder: please relink your PG&E account');
    const link = f.utilityapi.forms.at(-1)?.url;
    expect(link).not.toBe(firstLink);
    expect(reminder?.text).toContain(link);
    expect(await f.stores.requests.findById(id)).toMatchObject({ status: 'sent', remindersSent: 1 });

    f.advance(3 * DAY);
    await service.remindDue();
    expect(f.emailsFor(id)).toHaveLength(3);

    f.advance(3 * DAY);
    await service.remindDue();
    await service.remindDue();
    expect(f.emailsFor(id)).toHaveLength(3);
    expect(await f.stores.requests.findById(id)).toMatchObject({ status: 'no_response', remindersSent: 2 });
    expect(await f.stores.requests.reminderQueue.get(authorizationId)).toBeNull();
    expect((await f.effectsOf(id)).slice(-3)).toEqual([
      'request.reminded',
      'request.reminded',
      'request.no_response',
    ]);
    const actions = await auditActions(authorizationId);
    expect(actions.filter((a) => a === 'reminder.sent')).toHaveLength(2);
    expect(actions.filter((a) => a === 'request.no_response')).toHaveLength(1);
  });

  it('sends one reminder when two reminder jobs run at once (two relink processes)', async () => {
    const { id } = await sent();
    f.advance(3 * DAY);
    await Promise.all([reminders().remindDue(), reminders().remindDue()]);
    await reminders().remindDue();
    expect(f.emailsFor(id)).toHaveLength(2);
  });

  it('tries a reminder again later when SendGrid certainly took nothing', async () => {
    const { id, authorizationId } = await sent();
    const service = reminders();
    f.advance(3 * DAY);
    // Down for every reminder due (earlier tests' series are due too): nothing is taken.
    f.sendgrid.setDown(true);
    await service.remindDue();
    f.sendgrid.setDown(false);
    expect(f.emailsFor(id)).toHaveLength(1);
    expect(await f.stores.requests.reminderQueue.get(authorizationId)).toMatchObject({ sent: 0, attempt: 2 });
    await service.remindDue(); // not yet
    expect(f.emailsFor(id)).toHaveLength(1);
    f.advance(15 * 60_000);
    await service.remindDue();
    expect(f.emailsFor(id)).toHaveLength(2);
    expect(await f.stores.requests.reminderQueue.get(authorizationId)).toMatchObject({ sent: 1, attempt: 1 });
  });

  it('sends nothing more once someone stops the reminders, and audits who did', async () => {
    const { id, authorizationId } = await sent();
    const service = reminders();
    await service.stop(SINGLE_WORKSPACE_ID, id, ALICE);
    await service.stop(SINGLE_WORKSPACE_ID, id, ALICE); // a double click
    f.advance(10 * DAY);
    await service.remindDue();
    expect(f.emailsFor(id)).toHaveLength(1);
    expect(await f.stores.requests.findById(id)).toMatchObject({
      status: 'sent',
      remindersStoppedBy: ALICE.userId,
    });
    expect((await f.effectsOf(id)).filter((e) => e === 'request.reminders_stopped')).toHaveLength(1);
    expect((await auditActions(authorizationId)).filter((a) => a === 'reminders.stopped')).toHaveLength(1);
  });

  it("refuses to stop another workspace's reminders", async () => {
    const { id } = await sent();
    await expect(reminders().stop('T0OTHER', id, ALICE)).rejects.toMatchObject({ code: 'request_not_found' });
  });

  it('never reminds an address that reported spam or unsubscribed', async () => {
    const { id, authorizationId } = await sent();
    f.advance(3 * DAY);
    await reminders({ isSuppressed: async () => true }).remindDue();
    expect(f.emailsFor(id)).toHaveLength(1);
    expect(await f.stores.requests.reminderQueue.get(authorizationId)).toBeNull();
  });

  it('keeps a series whose request is not marked sent yet, and reminds on schedule once it is', async () => {
    const id = await f.queue();
    const authorizationId = (await f.stores.requests.findById(id))?.authorizationId.toHexString() ?? '';
    // Recording a sent email starts the series, then writes the status: a reminder job may run between.
    await f.stores.requests.reminderQueue.start(authorizationId, id, f.now);
    await reminders().remindDue();
    expect(await f.stores.requests.reminderQueue.get(authorizationId)).toMatchObject({ requestId: id });

    await f.newSender().sendDue();
    f.advance(3 * DAY);
    await reminders().remindDue();
    expect(f.emailsFor(id)).toHaveLength(2);
  });

  it('ends the series when the request is superseded', async () => {
    const { id, authorizationId } = await sent();
    const request = await f.stores.requests.findById(id);
    if (!request) throw new Error('no request');
    await f.stores.requests.advance(request, 'superseded', null, f.now);
    f.advance(3 * DAY);
    await reminders().remindDue();
    expect(f.emailsFor(id)).toHaveLength(1);
    expect(await f.stores.requests.reminderQueue.get(authorizationId)).toBeNull();
  });

  it('says when the next reminder goes out, on the workspace schedule', async () => {
    const { id, authorizationId } = await sent();
    const schedule = await reminders({ settingsOf: async () => ({ afterDays: 5, max: 1 }) }).scheduleFor(
      SINGLE_WORKSPACE_ID,
      [authorizationId],
    );
    expect(schedule.get(authorizationId)).toEqual({
      requestId: id,
      sent: 0,
      next: { kind: 'reminder', number: 1, at: new Date(f.now.getTime() + 5 * DAY) },
    });
  });

  it('previews the next reminder with its own words and no link yet', async () => {
    const { id } = await sent();
    const preview = await reminders().preview(SINGLE_WORKSPACE_ID, id);
    expect(preview).toMatchObject({ number: 1, customerName: 'Jane Roe', sentTo: 'jane@example.com' });
    expect(preview.email.subject).toBe('Reminder: please relink your PG&E account');
    expect(preview.email.text).toContain('A quick reminder');
    expect(preview.email.text).not.toContain('http');
  });
});
