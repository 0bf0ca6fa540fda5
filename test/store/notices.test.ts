import { Types } from 'mongoose';
import { createNoticeStore, type NoticeStore } from '../../src/store/notices';
import { useTestDatabase } from '../support/database';

describe('the notice store', () => {
  const db = useTestDatabase('notices');
  let notices: NoticeStore;
  beforeAll(async () => {
    notices = createNoticeStore(db.connection);
    await notices.ensureIndexes();
  });

  const t0 = new Date('2026-11-01T10:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const incident = (id: string, authorizationId: Types.ObjectId, minutes = 0) => ({
    id,
    authorizationId,
    kind: 'incident' as const,
    channel: 'C0ALERTS',
    now: at(minutes),
  });

  it('lets exactly one of many concurrent claims of the same notice win', async () => {
    const authorizationId = new Types.ObjectId();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => notices.claim(incident('incident:race', authorizationId))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await notices.findById('incident:race')).toMatchObject({ ts: null, resolvedAt: null });
  });

  it('keeps the ts of a posted notice, and a second claim of it fails', async () => {
    const authorizationId = new Types.ObjectId();
    expect(await notices.claim(incident('incident:posted', authorizationId))).toBe(true);
    await notices.setTs('incident:posted', '1700000000.000100');
    expect(await notices.claim(incident('incident:posted', authorizationId, 5))).toBe(false);
    expect(await notices.findById('incident:posted')).toMatchObject({
      ts: '1700000000.000100',
      openedAt: t0,
    });
  });

  it("finds the authorization's open incident notice, ignoring warnings, replies and resolved ones", async () => {
    const authorizationId = new Types.ObjectId();
    const hex = authorizationId.toHexString();
    expect(await notices.openFor(hex)).toBeNull();
    await notices.claim(incident('incident:old', authorizationId, 0));
    await notices.markResolved('incident:old', at(5));
    expect(await notices.openFor(hex)).toBeNull();
    await notices.claim(incident('incident:new', authorizationId, 10));
    await notices.claim({ ...incident('warning:w', authorizationId, 20), kind: 'warning' });
    await notices.claim({
      ...incident('reply:r', authorizationId, 30),
      kind: 'reply',
      threadOf: 'incident:new',
    });
    await notices.claim(incident('incident:other', new Types.ObjectId(), 40));
    expect((await notices.openFor(hex))?._id).toBe('incident:new');

    await notices.markResolved('incident:new', at(50));
    expect(await notices.openFor(hex)).toBeNull();
    expect((await notices.findById('incident:new'))?.resolvedAt).toEqual(at(50));
    // Resolving twice keeps the first time.
    await notices.markResolved('incident:new', at(60));
    expect((await notices.findById('incident:new'))?.resolvedAt).toEqual(at(50));
    expect(await notices.openFor('not-an-id')).toBeNull();
  });

  it('finds an incident shown in a digest as its open notice', async () => {
    const authorizationId = new Types.ObjectId();
    await notices.claimDigestMembers(
      'digest:d1',
      [{ id: 'incident:in-digest', authorizationId: authorizationId.toHexString(), channel: 'C0ALERTS' }],
      at(0),
    );
    expect(await notices.openFor(authorizationId.toHexString())).toMatchObject({
      _id: 'incident:in-digest',
      digestOf: 'digest:d1',
    });
  });

  it('finds open notices posted before relink kept pointers to them, once built at start', async () => {
    const authorizationId = new Types.ObjectId();
    const hex = authorizationId.toHexString();
    const raw = (id: string, minutes: number, resolvedAt: Date | null) => ({
      _id: id,
      authorizationId,
      kind: 'incident',
      channel: 'C0ALERTS',
      ts: '1700000000.000100',
      threadOf: null,
      openedAt: at(minutes),
      claimedAt: at(minutes),
      resolvedAt,
    });
    await db.connection
      .collection('notices')
      .insertMany([raw('incident:before-1', 0, at(1)), raw('incident:before-2', 10, null)] as never[]);
    // As on a database from before pointers were kept: the migration never ran.
    await db.connection.collection('open_notices').deleteMany({});
    await db.connection.collection('store_migrations').deleteOne({ _id: 'open_notices' as never });
    const restarted = createNoticeStore(db.connection);
    await restarted.ensureIndexes();
    expect((await restarted.openFor(hex))?._id).toBe('incident:before-2');
  });

  it('releases a claim whose post Slack refused, so it can be claimed again', async () => {
    const authorizationId = new Types.ObjectId();
    await notices.claim(incident('incident:refused', authorizationId));
    await notices.release('incident:refused');
    expect(await notices.findById('incident:refused')).toBeNull();
    expect(await notices.claim(incident('incident:refused', authorizationId, 1))).toBe(true);
  });

  it('never releases a notice that was posted', async () => {
    const authorizationId = new Types.ObjectId();
    await notices.claim(incident('incident:kept', authorizationId));
    await notices.setTs('incident:kept', '1700000000.000200');
    await notices.release('incident:kept');
    expect((await notices.findById('incident:kept'))?.ts).toBe('1700000000.000200');
  });

  it('lets exactly one publisher take over a dead claim, once per claim generation', async () => {
    const authorizationId = new Types.ObjectId();
    await notices.claim(incident('incident:dead', authorizationId));
    const dead = await notices.findById('incident:dead');
    if (!dead) throw new Error('claim missing');
    const takeovers = await Promise.all(Array.from({ length: 6 }, () => notices.retake(dead, at(5))));
    expect(takeovers.filter(Boolean)).toHaveLength(1);
    const retaken = await notices.findById('incident:dead');
    expect(retaken?.claimedAt).toEqual(at(5));
    // The stale copy cannot be taken over again; the refreshed claim can, once it goes stale in turn.
    expect(await notices.retake(dead, at(6))).toBe(false);
    if (!retaken) throw new Error('claim missing');
    expect(await notices.retake(retaken, at(10))).toBe(true);
  });

  it('links each authorization to its latest message: its own notice, or the digest it was counted in', async () => {
    const own = new Types.ObjectId();
    const member = new Types.ObjectId();
    await notices.claim(incident('incident:linked', own));
    await notices.setPermalink('incident:linked', 'https://t.slack.com/archives/C0ALERTS/p1');
    await notices.linkLatest(
      own.toHexString(),
      'incident:linked',
      'https://t.slack.com/archives/C0ALERTS/p1',
      t0,
    );
    const members = [{ id: 'incident:member', authorizationId: member.toHexString(), channel: 'C0ALERTS' }];
    await notices.claimDigestMembers('digest:linked', members, t0);
    const ids = [own.toHexString(), member.toHexString()];
    // The digest is not posted yet: no link for its member.
    expect(await notices.permalinksOf(ids)).toEqual(
      new Map([[ids[0], 'https://t.slack.com/archives/C0ALERTS/p1']]),
    );
    await notices.claim({ ...incident('digest:linked', member), kind: 'digest' });
    await notices.setPermalink('digest:linked', 'https://t.slack.com/archives/C0ALERTS/p2');
    expect((await notices.permalinksOf(ids)).get(member.toHexString())).toBe(
      'https://t.slack.com/archives/C0ALERTS/p2',
    );
  });
});
