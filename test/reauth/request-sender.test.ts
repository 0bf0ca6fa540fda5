import { createServer } from 'node:http';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';
import { closeNow, listenOnLoopback } from '../support/loopback-server';
import { ALICE, DRAFT } from '../support/requests';
import { sendingFixture } from '../support/sending';

/** A loopback URL nothing listens on: connecting is refused before any byte is written. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const url = await listenOnLoopback(server);
  await closeNow(server);
  return url;
}

/** SendGrid's answer to an address it will never deliver to: a permanent failure. */
const INVALID_ADDRESS = {
  errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to', help: null }],
};

describe('sending a reauth request', () => {
  const db = useTestDatabase('request-sender');
  const f = sendingFixture(db);
  beforeAll(() => f.start());
  afterAll(() => f.stop());
  beforeEach(() => {
    f.sendgrid.setDown(false);
    f.advance(3_600_000);
  });

  it('sends one email with the platform link and records the message id', async () => {
    const sender = f.newSender();
    const id = await f.queue();
    await sender.sendDue();
    const [message, ...more] = f.emailsFor(id);
    const form = f.utilityapi.forms.at(-1);
    expect(more).toEqual([]);
    expect(message?.to).toEqual(['jane@example.com']);
    expect(message?.text).toContain(form?.url);
    expect(message?.customArgs).toEqual({ relink_request_id: id, relink_attempt: '1' });
    expect(await f.stores.requests.findById(id)).toMatchObject({
      status: 'sent',
      attempts: 1,
      sendgridMessageId: message?.messageId,
      sendingSince: null,
    });
    expect(await f.effectsOf(id)).toEqual(['incident.opened', 'request.queued', 'request.sent']);
    await sender.sendDue();
    expect(f.emailsFor(id)).toHaveLength(1);
  });

  it('dates the email from its call to SendGrid, however late the answer comes: reminders count from it', async () => {
    const sender = f.newSender();
    const id = await f.queue();
    const held = f.sendgrid.holdNext();
    const calledAt = f.now;
    const sending = sender.sendDue();
    await held.received;
    // SendGrid has the email; its answer takes a while to reach relink.
    f.advance(5_000);
    held.accept();
    await sending;
    const request = await f.stores.requests.findById(id);
    expect(request).toMatchObject({ status: 'sent', sentAt: calledAt });
    const series = await f.stores.requests.reminderQueue.get(request?.authorizationId.toHexString() ?? '');
    expect(series?.lastEmailAt).toEqual(calledAt);
  });

  it('sends nothing to a customer who marked relink as spam while the request waited, and says why', async () => {
    const sender = f.newSender();
    const email = 'waited@example.com';
    const id = await f.queue(email);
    f.advance(1_000);
    await f.stores.suppressions.record({
      workspaceId: SINGLE_WORKSPACE_ID,
      email,
      reason: 'spamreport',
      at: f.now,
      requestId: 'an-earlier-request',
      now: f.now,
    });
    await sender.sendDue();
    expect(f.emailsFor(id)).toEqual([]);
    expect(await f.stores.requests.findById(id)).toMatchObject({
      status: 'failed',
      lastError: { code: 'email_suppressed' },
    });
    expect(await f.effectsOf(id)).toEqual(['incident.opened', 'request.queued', 'request.failed']);
  });

  it('marks the request completed once its customer relinked, after checking the authorization itself', async () => {
    const id = await f.queue('relinks@example.com');
    await f.newSender().sendDue();
    const request = await f.stores.requests.findById(id);
    if (!request) throw new Error('no request');
    const authorizationId = request.authorizationId.toHexString();
    // Named as relinked but still bad in the database: left as it is.
    const stale = f.newSender({ openRequestsOfRelinked: async () => [id] });
    expect(await stale.completeResolved()).toBe(0);
    expect((await f.stores.requests.findById(id))?.status).toBe('sent');

    const authorization = await f.stores.authorizations.findById(authorizationId);
    if (!authorization) throw new Error('no authorization');
    f.advance(60_000);
    await f.stores.authorizations.applyById(authorizationId, {
      event: observedEvent('active', f.now),
      actor: 'platform',
      now: f.now,
    });
    const sender = f.newSender({ openRequestsOfRelinked: async () => [id] });
    expect(await sender.completeResolved()).toBe(1);
    expect((await f.stores.requests.findById(id))?.status).toBe('completed');
  });

  it('retries after a SendGrid 500 and sends exactly one email', async () => {
    const sender = f.newSender();
    const id = await f.queue();
    f.sendgrid.failNext(500);
    await sender.sendDue();
    expect(await f.stores.requests.findById(id)).toMatchObject({ status: 'queued', attempts: 1 });
    await sender.sendDue();
    expect(f.emailsFor(id)).toHaveLength(0); // backoff: not yet
    f.advance(60_000);
    await sender.sendDue();
    expect(f.emailsFor(id)).toHaveLength(1);
    expect(await f.stores.requests.findById(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('retries when SendGrid refused the connection: nothing was written, nothing sent', async () => {
    const id = await f.queue();
    await f.newSender({ sendgridUrl: await closedPortUrl() }).sendDue();
    expect(await f.stores.requests.findById(id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      sendingSince: null,
      lastError: { code: 'email_unavailable' },
    });
    f.advance(60_000);
    await f.newSender().sendDue();
    expect(f.emailsFor(id)).toHaveLength(1);
  });

  it('fails visibly on a SendGrid 400, and Retry sends it', async () => {
    const sender = f.newSender();
    const id = await f.queue();
    f.sendgrid.failNext(400, INVALID_ADDRESS);
    await sender.sendDue();
    expect(await f.stores.requests.findById(id)).toMatchObject({
      status: 'failed',
      lastError: { code: 'email_rejected' },
    });
    expect(await f.effectsOf(id)).toContain('request.failed');

    await f.retry(id);
    await sender.sendDue();
    expect(f.emailsFor(id)).toHaveLength(1);
    expect((await f.stores.requests.findById(id))?.status).toBe('sent');
  });

  it('never sends again a request a stale Retry put back in the queue after it was sent', async () => {
    const sender = f.newSender();
    const id = await f.queue();
    await sender.sendDue();
    const sent = await f.stores.requests.findById(id);
    // A Retry that read "failed" before the send and wrote "queued" after it: writes are not atomic.
    if (!sent) throw new Error('no request');
    await f.stores.requests.advance(sent, 'queued', null, f.now, {
      nextAttemptAt: f.now,
      sendingSince: null,
    });
    await sender.sendDue();
    expect(f.emailsFor(id)).toHaveLength(1);
    expect(await f.stores.requests.findById(id)).toMatchObject({
      status: 'sent',
      sendgridMessageId: f.emailsFor(id)[0]?.messageId,
    });
  });

  it('sends each request once when several senders run at once on one database', async () => {
    const senders = [f.newSender(), f.newSender(), f.newSender()];
    const ids = [await f.queue(), await f.queue(), await f.queue(), await f.queue()];
    await Promise.all([...senders, ...senders].map((s) => s.sendDue()));
    for (const id of ids) {
      expect(f.emailsFor(id)).toHaveLength(1);
      expect(await f.stores.requests.findById(id)).toMatchObject({ status: 'sent', attempts: 1 });
    }
  });

  it('sends each request once when two Retry clicks and several senders race', async () => {
    const senders = [f.newSender(), f.newSender()];
    const id = await f.queue();
    f.sendgrid.failNext(400, INVALID_ADDRESS);
    await senders[0]?.sendDue();
    await Promise.all([f.retry(id), f.retry(id)].map((p) => p.catch(() => null)));
    await Promise.all([...senders, ...senders].map((s) => s.sendDue()));
    expect(f.emailsFor(id)).toHaveLength(1);
  });

  it('records a request once per idempotency key', async () => {
    const id = await f.queue();
    const request = await f.stores.requests.findById(id);
    const input = {
      workspaceId: SINGLE_WORKSPACE_ID,
      authorizationId: request?.authorizationId.toHexString() ?? '',
      draft: DRAFT,
      problem: { state: 'bad_login' as const, reason: 'invalid_credentials' as const },
      requestedBy: ALICE,
      idempotencyKey: 'same-view',
    };
    const [first, second] = await Promise.all([
      f.stores.service.requestSend(input),
      f.stores.service.requestSend(input),
    ]);
    expect(first.request._id.toHexString()).toBe(second.request._id.toHexString());
    expect([first.created, second.created].sort()).toEqual([false, true]);
  });
});
