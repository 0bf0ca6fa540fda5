import { Types } from 'mongoose';
import type { RequestEffect } from '../../src/domain/reauth-request';
import type { RequestWrite } from '../../src/store/listeners';
import type { Outbox } from '../../src/store/outbox';
import type { RequestStore } from '../../src/store/requests';
import { useTestDatabase } from '../support/database';
import { newRequest, requestStoreWithOutbox } from '../support/requests';

describe('the request store', () => {
  const db = useTestDatabase('requests');
  const now = new Date('2026-11-28T10:00:00Z');
  const later = new Date('2026-11-28T10:05:00Z');
  const heard: RequestWrite[] = [];
  let outbox: Outbox;
  let requests: RequestStore;
  let n = 0;

  beforeAll(async () => {
    ({ outbox, requests } = await requestStoreWithOutbox(db.connection, {
      requestWritten: (w) => heard.push(w),
    }));
  });

  const create = async () => {
    const authorizationId = new Types.ObjectId().toHexString();
    return (await requests.create(newRequest(authorizationId, `key-${++n}`), now)).request;
  };
  const sentEffect = (requestId: string): RequestEffect => ({
    type: 'request.sent',
    requestId,
    sentTo: 'jane@example.com',
    at: later,
  });
  const entriesOf = async (authorizationId: string) =>
    (await outbox.forAuthorization(authorizationId)).map((e) => e.effect.type);

  it('moves a request to a status with its fields, records its effect, and tells the listeners', async () => {
    const request = await create();
    const id = request._id.toHexString();
    await requests.advance(request, 'sent', sentEffect(id), later, {
      sentAt: later,
      sendgridMessageId: 'm1',
    });
    expect(await requests.findById(id)).toMatchObject({
      status: 'sent',
      statusAt: later,
      sentAt: later,
      sendgridMessageId: 'm1',
    });
    expect(await entriesOf(request.authorizationId.toHexString())).toEqual(['request.sent']);
    expect(heard.at(-1)).toEqual({ kind: 'status', id, status: 'sent', statusAt: later });
  });

  it('records nothing in the outbox for a status change without an effect', async () => {
    const request = await create();
    await requests.advance(request, 'superseded', null, later);
    expect((await requests.findById(request._id.toHexString()))?.status).toBe('superseded');
    expect(await entriesOf(request.authorizationId.toHexString())).toEqual([]);
  });

  it('completes a step a crash stopped between the entry and the status, with one entry', async () => {
    const request = await create();
    const id = request._id.toHexString();
    expect(await requests.recordEffect(request, sentEffect(id), later)).toBe(true); // then the crash
    await requests.advance(request, 'sent', sentEffect(id), later, { sentAt: later });
    expect((await requests.findById(id))?.status).toBe('sent');
    expect(await entriesOf(request.authorizationId.toHexString())).toEqual(['request.sent']);
  });

  it('records an effect that moves no status once, and says whether it was new', async () => {
    const request = await create();
    const queued: RequestEffect = {
      type: 'request.queued',
      requestId: request._id.toHexString(),
      requestedBy: 'U1',
    };
    expect(await requests.recordEffect(request, queued, now)).toBe(true);
    expect(await requests.recordEffect(request, queued, later)).toBe(false);
    expect(await entriesOf(request.authorizationId.toHexString())).toEqual(['request.queued']);
    expect((await requests.findById(request._id.toHexString()))?.status).toBe('queued');
  });

  it('records a failure once per failed attempt', async () => {
    const request = await create();
    const failed: RequestEffect = {
      type: 'request.failed',
      requestId: request._id.toHexString(),
      code: 'email_rejected',
      message: null,
    };
    await requests.advance({ ...request, attempts: 1 }, 'failed', failed, now);
    await requests.advance({ ...request, attempts: 1 }, 'failed', failed, now);
    await requests.advance({ ...request, attempts: 2 }, 'failed', failed, later);
    expect(await entriesOf(request.authorizationId.toHexString())).toEqual([
      'request.failed',
      'request.failed',
    ]);
  });
});
