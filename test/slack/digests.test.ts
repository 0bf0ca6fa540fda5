import type { WebClient } from '@slack/web-api';
import { Types } from 'mongoose';
import type { AuthorizationState } from '../../src/domain/authorization';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createNoticePublisher } from '../../src/slack/notice-publisher';
import { publisherClient } from '../../src/slack/workspace-slack';
import { type AuthorizationStore, createAuthorizationStore } from '../../src/store/authorizations';
import { createDigestStore, type DigestStore } from '../../src/store/digests';
import { createModels, ensureIndexes, type Models } from '../../src/store/models';
import { createNoticeStore, type NoticeStore } from '../../src/store/notices';
import { createOutbox, type Outbox } from '../../src/store/outbox';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';
import { plainNoticeData } from '../support/plain-notice-data';
import { silentLog } from '../support/silent-log';
import { createSlackStandin, type PostedMessage } from '../support/slack-standin';

const BOT_TOKEN = 'xoxb-relink-digest-test';
const ALERTS = 'C0DIGEST01';

describe('digests: many incidents of a channel as one message', () => {
  const db = useTestDatabase('digests');
  const standin = createSlackStandin({ botToken: BOT_TOKEN, channelPostIntervalMs: 20 });
  let models: Models;
  let authorizations: AuthorizationStore;
  let outbox: Outbox;
  let notices: NoticeStore;
  let digests: DigestStore;
  let client: WebClient;
  let importing = false;

  beforeAll(async () => {
    const { apiUrl } = await standin.start();
    models = createModels(db.connection);
    await ensureIndexes(models);
    authorizations = createAuthorizationStore(models);
    outbox = createOutbox(models);
    notices = createNoticeStore(db.connection);
    await notices.ensureIndexes();
    digests = createDigestStore(db.connection, models);
    await digests.ensureIndexes();
    client = publisherClient(BOT_TOKEN, { slackApiUrl: apiUrl, log: silentLog() });
  });
  afterAll(() => standin.stop());
  beforeEach(async () => {
    standin.reset();
    importing = false;
    await models.OutboxEffect.updateMany({ publishedAt: null }, { $set: { publishedAt: new Date() } });
    await db.connection
      .collection('digests')
      .updateMany({}, { $set: { closedAt: new Date(), stale: false } });
  });

  const noticeData = plainNoticeData(() => authorizations);

  const publisher = () =>
    createNoticePublisher({
      outbox,
      notices,
      noticeData,
      slackFor: async () => ({ client, channel: ALERTS }),
      clock: () => new Date(),
      log: silentLog(),
      minPostIntervalMs: 20,
      digest: {
        store: digests,
        settings: { threshold: 3, windowMs: 60_000, updateIntervalMs: 0 },
        fromFirstSync: async () => importing,
      },
    });

  let tick = 0;
  let externalIds = 0;
  const observe = (externalId: string, state: AuthorizationState, name = 'Jane Doe') => {
    const now = new Date(Date.now() + tick++);
    return authorizations.applyByKey(
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId },
      {
        event: observedEvent(state, now),
        actor: 'platform',
        customer: { name, email: 'jane@example.com', utility: 'PG&E' },
        now,
      },
    );
  };
  const badLogins = async (n: number) => {
    const ids: { id: string; externalId: string }[] = [];
    for (let i = 0; i < n; i++) {
      const externalId = `digest-${++externalIds}`;
      ids.push({
        id: (await observe(externalId, 'bad_login', `Customer ${externalIds}`)).authorizationId,
        externalId,
      });
    }
    return ids;
  };
  const topLevel = (): PostedMessage[] =>
    [...standin.messages(ALERTS).values()].filter((m) => m.threadTs === undefined);
  const digestMessages = () => topLevel().filter((m) => /needs? attention/.test(m.text ?? ''));
  const openPlaces = async (id: string) =>
    db.connection
      .collection('notices')
      .find({ authorizationId: new Types.ObjectId(id), kind: 'incident', resolvedAt: null })
      .toArray();

  it('posts one digest instead of a notice each when more wait than the threshold', async () => {
    const many = await badLogins(12);
    expect(await publisher().publishPending()).toEqual({ published: 12, deferred: 0 });

    expect(topLevel()).toHaveLength(1);
    const [digest] = digestMessages();
    expect(digest?.text).toContain(
      '12 authorizations need attention: 12 bad logins ("Username and password didn\'t work")',
    );
    expect(JSON.stringify(digest?.blocks)).toContain('Customer');
    for (const { id } of many) {
      const places = await openPlaces(id);
      expect(places).toHaveLength(1);
      expect(places[0]?.digestOf).toBeTruthy();
    }
    expect(await outbox.countPending()).toBe(0);
  });

  it('posts notices one by one while the backlog is small', async () => {
    await badLogins(2);
    await publisher().publishPending();
    expect(topLevel()).toHaveLength(2);
    expect(digestMessages()).toHaveLength(0);
  });

  it('lets new incidents join an open digest, updates it in place, and counts resolutions', async () => {
    const pub = publisher();
    const first = await badLogins(5);
    await pub.publishPending();
    const [digest] = digestMessages();
    // Two more arrive while the digest is still taking incidents: they join it rather than post.
    await badLogins(2);
    await pub.publishPending();
    expect(topLevel()).toHaveLength(1);
    expect(standin.messages(ALERTS).get(digest?.ts ?? '')?.text).toContain('7 authorizations need attention');

    await observe((first[0] as { externalId: string }).externalId, 'active');
    await pub.publishPending();
    const updated = standin.messages(ALERTS).get(digest?.ts ?? '');
    expect(updated?.text).toContain('1 of 7 resolved');
    expect(updated?.updates).toBeGreaterThan(0);
    expect(topLevel()).toHaveLength(1);
  });

  it('counts a request on a digest incident in the digest, with no message of its own', async () => {
    const pub = publisher();
    const [asked] = await badLogins(4);
    await pub.publishPending();
    const id = (asked as { id: string }).id;
    const before = standin.calls.length;
    for (const [step, effect] of [
      ['queued', { type: 'request.queued', requestId: `r-${id}`, requestedBy: 'U0ALICE' }],
      ['sent', { type: 'request.sent', requestId: `r-${id}`, sentTo: 'j•••@example.com', at: new Date() }],
    ] as const) {
      await outbox.record({
        id: `request:r-${id}:${step}`,
        authorizationId: new Types.ObjectId(id),
        effect,
        createdAt: new Date(),
      });
    }
    await pub.publishPending();

    expect(topLevel()).toHaveLength(1);
    expect(standin.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
    // One update of the digest says so, however many of its customers' requests moved.
    expect(digestMessages()[0]?.text).toContain('0 of 4 resolved · 1 asked to reauthorize');
    expect(standin.calls.slice(before).filter((c) => c.method === 'chat.update')).toHaveLength(1);
    expect(await outbox.pending()).toHaveLength(0);
  });

  it('gives a failed send on a digest incident its own notice, where its Retry is', async () => {
    const pub = publisher();
    const [failed] = await badLogins(4);
    await pub.publishPending();
    const id = (failed as { id: string }).id;
    await outbox.record({
      id: `request:r-${id}:failed`,
      authorizationId: new Types.ObjectId(id),
      effect: { type: 'request.failed', requestId: `r-${id}`, code: 'email_rejected', message: null },
      createdAt: new Date(),
    });
    await pub.publishPending();

    const own = topLevel().filter((m) => JSON.stringify(m.blocks).includes(id));
    expect(own).toHaveLength(1);
    const replies = (own[0] as PostedMessage).replies.map((ts) => standin.messages(ALERTS).get(ts));
    expect(JSON.stringify(replies.map((r) => r?.blocks))).toContain('Retry');
    // The digest still counts it, and later effects follow the new notice.
    expect(digestMessages()[0]?.text).toContain('4 authorizations');
    const places = await openPlaces(id);
    expect(places.filter((p) => !p.digestOf && p.ts)).toHaveLength(1);
  });

  it('sums up what a first sync found, and adds its later pages however few', async () => {
    importing = true;
    const pub = publisher();
    await badLogins(4);
    await pub.publishPending();
    await badLogins(2);
    await pub.publishPending();
    expect(topLevel()).toHaveLength(1);
    expect(digestMessages()[0]?.text).toMatch(/^relink found 6 authorizations that already need attention: /);
  });

  it('gives a first sync that found only a few problems plain notices', async () => {
    importing = true;
    await badLogins(2);
    await publisher().publishPending();
    expect(topLevel()).toHaveLength(2);
    expect(digestMessages()).toHaveLength(0);
  });

  it('never posts a digest or an incident twice with two publishers at once', async () => {
    const many = await badLogins(15);
    await Promise.all([publisher().publishPending(), publisher().publishPending()]);
    await publisher().publishPending();
    expect(digestMessages()).toHaveLength(1);
    expect(topLevel()).toHaveLength(1);
    for (const { id } of many) expect(await openPlaces(id)).toHaveLength(1);
    expect(digestMessages()[0]?.text).toContain('15 authorizations');
  });
});
