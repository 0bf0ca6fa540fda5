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

  describe("each authorization's newest and last sent request (request heads)", () => {
    it('finds the newest and the last sent by id, whatever came before', async () => {
      const authorizationId = new Types.ObjectId().toHexString();
      expect(await requests.latestFor(authorizationId)).toBeNull();
      const first = await requests.create(newRequest(authorizationId, `head-${++n}`), now);
      expect(first.replaced).toBeNull();
      await requests.advance(first.request, 'sent', sentEffect(first.request._id.toHexString()), later, {
        sentAt: later,
      });
      const second = await requests.create(newRequest(authorizationId, `head-${++n}`), later);
      expect(second.replaced?._id.toHexString()).toBe(first.request._id.toHexString());
      expect((await requests.latestFor(authorizationId))?._id.toHexString()).toBe(
        second.request._id.toHexString(),
      );
      // The newer one is not sent yet: the cooldown still counts from the first.
      expect((await requests.lastSentFor(authorizationId))?._id.toHexString()).toBe(
        first.request._id.toHexString(),
      );
    });

    it('a repeat of a create that stopped before its head was written makes it the newest', async () => {
      const authorizationId = new Types.ObjectId().toHexString();
      const key = `head-${++n}`;
      const { request } = await requests.create(newRequest(authorizationId, key), now);
      await db.connection.collection('request_heads').deleteOne({ _id: authorizationId as never });
      expect(await requests.latestFor(authorizationId)).toBeNull();
      const again = await requests.create(newRequest(authorizationId, key), now);
      expect(again.created).toBe(false);
      expect((await requests.latestFor(authorizationId))?._id.toHexString()).toBe(request._id.toHexString());
    });

    it('are built once, at start, from the requests made before relink kept them', async () => {
      const authorizationId = new Types.ObjectId();
      const ids = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
      const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
      const base = { ...newRequest(authorizationId.toHexString(), 'x'), authorizationId, status: 'sent' };
      const raw = db.connection.collection('reauth_requests');
      await raw.insertMany([
        { ...base, _id: ids[0], idempotencyKey: `old-${++n}`, createdAt: at(0), sentAt: at(1) },
        { ...base, _id: ids[1], idempotencyKey: `old-${++n}`, createdAt: at(10), sentAt: at(11) },
        {
          ...base,
          _id: ids[2],
          idempotencyKey: `old-${++n}`,
          createdAt: at(20),
          sentAt: null,
          status: 'queued',
        },
      ]);
      const heads = db.connection.collection('request_heads');
      // As on a database from before heads were kept: no heads, and their migration never ran.
      await heads.deleteMany({});
      await db.connection.collection('store_migrations').deleteOne({ _id: 'request_heads' as never });
      const { requests: restarted } = await requestStoreWithOutbox(db.connection);
      expect((await restarted.latestFor(authorizationId.toHexString()))?._id.toHexString()).toBe(
        ids[2]?.toHexString(),
      );
      expect((await restarted.lastSentFor(authorizationId.toHexString()))?._id.toHexString()).toBe(
        ids[1]?.toHexString(),
      );
      // Built once: a later start does not read every request again (its heads stay as written).
      await heads.updateOne(
        { _id: authorizationId.toHexString() as never },
        { $set: { lastSentId: ids[0] } },
      );
      const { requests: again } = await requestStoreWithOutbox(db.connection);
      expect((await again.lastSentFor(authorizationId.toHexString()))?._id.toHexString()).toBe(
        ids[0]?.toHexString(),
      );
    });
  });
});
