import { Types } from 'mongoose';
import { createDeliveryReports } from '../../src/email/delivery-reports';
import type { SendgridEvent } from '../../src/email/event-webhook';
import type { Outbox } from '../../src/store/outbox';
import type { RequestStore } from '../../src/store/requests';
import { createSendClaims } from '../../src/store/send-claims';
import { createSuppressionStore, type SuppressionStore } from '../../src/store/suppressions';
import { useTestDatabase } from '../support/database';
import { newRequest, requestStoreWithOutbox } from '../support/requests';

describe('applying SendGrid delivery reports to reauth requests', () => {
  const db = useTestDatabase('delivery-reports');
  const sentAt = new Date('2026-11-28T10:00:00Z');
  const now = new Date('2026-11-28T10:02:00Z');
  let outbox: Outbox;
  let requests: RequestStore;
  let apply: ReturnType<typeof createDeliveryReports>;
  let suppressions: SuppressionStore;
  const WORKSPACE = 'T0REPORTS';
  let n = 0;

  beforeAll(async () => {
    ({ outbox, requests } = await requestStoreWithOutbox(db.connection));
    const claims = createSendClaims(db.connection);
    await claims.init();
    suppressions = createSuppressionStore(db.connection);
    await suppressions.init();
    // Every request here belongs to one workspace; the store's own lookup is main.ts's.
    apply = createDeliveryReports({
      requests,
      claims,
      suppressions,
      workspaceOfAuthorization: async () => WORKSPACE,
    });
  });

  /** A request whose email went out, as the sender leaves it. */
  const sentRequest = async (email = 'jane@example.com') => {
    const authorizationId = new Types.ObjectId().toHexString();
    const recipient = { name: 'Jane Roe', email };
    const { request } = await requests.create(
      newRequest(authorizationId, `report-${++n}`, { recipient }),
      sentAt,
    );
    const messageId = `msg${n}`;
    await requests.advance(request, 'sent', null, sentAt, { sentAt, sendgridMessageId: messageId });
    return {
      id: request._id.toHexString(),
      authorizationId: request.authorizationId.toHexString(),
      messageId,
    };
  };
  const event = (name: string, fields: Partial<SendgridEvent>): SendgridEvent => ({
    event: name,
    sg_event_id: `evt-${++n}`,
    timestamp: Math.floor(now.getTime() / 1000),
    ...fields,
  });
  const entriesOf = async (authorizationId: string) =>
    (await outbox.forAuthorization(authorizationId)).map((e) => e.effect);

  it('moves a request forward by its id, with nothing for the notice while it is on its way', async () => {
    const sent = await sentRequest();
    expect(await apply(event('delivered', { relink_request_id: sent.id }), now)).toBe('status_delivered');
    expect(await requests.findById(sent.id)).toMatchObject({ status: 'delivered', statusAt: now });
    expect(await entriesOf(sent.authorizationId)).toEqual([]);
  });

  it("finds a request by SendGrid's message id when the custom arg is missing", async () => {
    const sent = await sentRequest();
    expect(await apply(event('open', { sg_message_id: `${sent.messageId}.filter0001` }), now)).toBe(
      'status_opened',
    );
    expect((await requests.findById(sent.id))?.status).toBe('opened');
  });

  it('records a bounce for the notice once, however often SendGrid reports it', async () => {
    const sent = await sentRequest();
    expect(await apply(event('bounce', { relink_request_id: sent.id }), now)).toBe('status_bounced');
    expect(await apply(event('bounce', { relink_request_id: sent.id }), now)).toBe('stale');
    expect((await requests.findById(sent.id))?.status).toBe('bounced');
    expect(await entriesOf(sent.authorizationId)).toEqual([
      { type: 'request.bounced', requestId: sent.id, sentTo: 'jane@example.com', reason: null },
    ]);
  });

  it("keeps SendGrid's bounce reason with the address in it masked", async () => {
    const sent = await sentRequest();
    const reason = '550 5.1.1 <jane@example.com>: Recipient address rejected';
    await apply(event('bounce', { relink_request_id: sent.id, reason, type: 'bounce' }), now);
    const masked = '550 5.1.1 <j***@e***.com>: Recipient address rejected';
    expect((await requests.findById(sent.id))?.lastError).toEqual({ code: 'bounce', message: masked });
    expect(await entriesOf(sent.authorizationId)).toEqual([
      { type: 'request.bounced', requestId: sent.id, sentTo: 'jane@example.com', reason: masked },
    ]);
  });

  it('marks a dropped email bounced, as the same next step (fix the address) follows', async () => {
    const sent = await sentRequest();
    const reason = 'Bounced Address';
    expect(await apply(event('dropped', { relink_request_id: sent.id, reason }), now)).toBe('status_bounced');
    expect(await requests.findById(sent.id)).toMatchObject({
      status: 'bounced',
      lastError: { code: 'dropped', message: reason },
    });
    expect((await entriesOf(sent.authorizationId)).map((e) => e.type)).toEqual(['request.bounced']);
  });

  it.each([
    ['spamreport', 'spamreport'],
    ['unsubscribe', 'unsubscribe'],
    ['group_unsubscribe', 'unsubscribe'],
  ] as const)('suppresses the address in the workspace on %s, once', async (name, reason) => {
    const email = `${name}.customer@example.com`;
    const sent = await sentRequest(email);
    expect(await apply(event(name, { relink_request_id: sent.id, email }), now)).toBe(`suppressed_${reason}`);
    expect(await apply(event(name, { relink_request_id: sent.id, email }), now)).toBe('stale');
    expect(await suppressions.find(WORKSPACE, email.toUpperCase())).toEqual({
      reason,
      at: new Date(Math.floor(now.getTime() / 1000) * 1000),
    });
    expect(await suppressions.find('T0ANOTHER', email)).toBeNull();
    // The request itself is untouched: the email did arrive.
    expect((await requests.findById(sent.id))?.status).toBe('sent');
    expect(await entriesOf(sent.authorizationId)).toEqual([
      { type: 'request.suppressed', requestId: sent.id, sentTo: email, reason },
    ]);
  });

  it('ignores a report older than what the request already reached', async () => {
    const sent = await sentRequest();
    await apply(event('click', { relink_request_id: sent.id }), now);
    expect(await apply(event('delivered', { relink_request_id: sent.id }), now)).toBe('stale');
    expect((await requests.findById(sent.id))?.status).toBe('clicked');
  });

  it('ignores "processed" for an email already recorded as sent', async () => {
    const sent = await sentRequest();
    expect(await apply(event('processed', { relink_request_id: sent.id, relink_attempt: '1' }), now)).toBe(
      'ignored_event',
    );
    expect((await requests.findById(sent.id))?.status).toBe('sent');
  });

  it('records a send whose outcome was unknown as sent, with the message id from the event', async () => {
    const authorizationId = new Types.ObjectId().toHexString();
    const { request } = await requests.create(newRequest(authorizationId, `report-${++n}`), sentAt);
    await requests.set(request._id, { attempts: 1, sendingSince: sentAt, confirmBy: now });
    const id = request._id.toHexString();

    // An event about another attempt says nothing about this one.
    expect(await apply(event('processed', { relink_request_id: id, relink_attempt: '2' }), now)).toBe(
      'ignored_event',
    );
    expect((await requests.findById(id))?.status).toBe('queued');
    const report = event('processed', {
      relink_request_id: id,
      relink_attempt: '1',
      sg_message_id: 'abc.f1',
    });
    expect(await apply(report, now)).toBe('send_confirmed');
    expect(await requests.findById(id)).toMatchObject({
      status: 'sent',
      sendgridMessageId: 'abc',
      sentAt: new Date(report.timestamp * 1000),
      sendingSince: null,
      confirmBy: null,
    });
    expect((await entriesOf(authorizationId)).map((e) => e.type)).toEqual(['request.sent']);
  });

  it('says so for events it does not know and requests it does not know', async () => {
    expect(await apply(event('group_resubscribe_v9', { relink_request_id: 'whatever' }), now)).toBe(
      'ignored_event',
    );
    const unknown = new Types.ObjectId().toHexString();
    expect(await apply(event('delivered', { relink_request_id: unknown }), now)).toBe('request_not_found');
  });
});
