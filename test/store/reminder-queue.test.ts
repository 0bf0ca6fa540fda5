import { Types } from 'mongoose';
import { useTestDatabase } from '../support/database';
import { newRequest, requestStoreWithOutbox } from '../support/requests';

const t0 = new Date('2026-11-20T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

describe('the reminder queue', () => {
  const db = useTestDatabase('reminder-queue');
  let n = 0;

  /** A request store on the test database, and a request of a new authorization created in it. */
  async function created() {
    const { requests } = await requestStoreWithOutbox(db.connection);
    const authorizationId = new Types.ObjectId().toHexString();
    const { request } = await requests.create(newRequest(authorizationId, `queue-${++n}`), t0);
    return { requests, queue: requests.reminderQueue, request, authorizationId };
  }
  const sentEffect = (requestId: string, at: Date) => ({
    type: 'request.sent' as const,
    requestId,
    sentTo: 'jane@example.com',
    at,
  });

  it('starts a series when a request is sent, and a repeat of that step keeps it where it is', async () => {
    const { requests, queue, request, authorizationId } = await created();
    const id = request._id.toHexString();
    expect(await queue.get(authorizationId)).toBeNull();
    await requests.advance(request, 'sent', sentEffect(id, t0), t0);
    expect(await queue.get(authorizationId)).toMatchObject({
      requestId: id,
      lastEmailAt: t0,
      sent: 0,
      attempt: 1,
    });

    const entry = await queue.get(authorizationId);
    if (!entry) throw new Error('no entry');
    await queue.recordReminder(entry, 1, later(1000));
    await requests.advance(request, 'sent', sentEffect(id, t0), later(2000));
    expect(await queue.get(authorizationId)).toMatchObject({ sent: 1, lastEmailAt: later(1000) });
  });

  it("a newer request's series replaces the older one, which can no longer touch it", async () => {
    const { queue, authorizationId } = await created();
    await queue.start(authorizationId, 'request-old', t0);
    const old = await queue.get(authorizationId);
    if (!old) throw new Error('no entry');
    await queue.start(authorizationId, 'request-new', later(5000));
    await queue.recordReminder(old, 1, later(6000));
    await queue.retryLater(old, 2, later(7000));
    await queue.remove(authorizationId, 'request-old');
    expect(await queue.get(authorizationId)).toMatchObject({
      requestId: 'request-new',
      sent: 0,
      attempt: 1,
      retryAt: null,
      lastEmailAt: later(5000),
    });
    await queue.remove(authorizationId, 'request-new');
    expect(await queue.get(authorizationId)).toBeNull();
  });

  it('lists the series of the authorizations asked for, and all of them oldest email first', async () => {
    const { queue } = await created();
    const [a, b] = [new Types.ObjectId().toHexString(), new Types.ObjectId().toHexString()];
    await queue.start(b, 'request-b', later(-2 * 86_400_000));
    await queue.start(a, 'request-a', later(-86_400_000));
    expect((await queue.forAuthorizations([a])).map((e) => e.requestId)).toEqual(['request-a']);
    expect(await queue.forAuthorizations([])).toEqual([]);
    const all = (await queue.all(1000)).map((e) => e.requestId);
    expect(all.indexOf('request-b')).toBeLessThan(all.indexOf('request-a'));
  });
});
