import type { WebClient } from '@slack/web-api';
import { Types } from 'mongoose';
import { RESOLVED_WORDS } from '../../blocks/notice-message';
import type { AuthorizationState, BadLoginReason } from '../../src/domain/authorization';
import type { OutboxEffect } from '../../src/domain/reauth-request';
import { NoticeId } from '../../src/domain/record-ids';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { ActionId } from '../../src/slack/ids';
import { createNoticePublisher } from '../../src/slack/notice-publisher';
import type { AuthorizationStore } from '../../src/store/authorizations';
import type { Models } from '../../src/store/models';
import type { NoticeStore } from '../../src/store/notices';
import type { Outbox } from '../../src/store/outbox';
import { observedEvent } from '../support/events';
import { eventually } from '../support/eventually';
import { plainNoticeData } from '../support/plain-notice-data';
import { usePublisherStores } from '../support/publisher-stores';
import { silentLog } from '../support/silent-log';
import type { PostedMessage } from '../support/slack-standin';

const BOT_TOKEN = 'xoxb-relink-test';
const ALERTS = 'C0ALERTS01';
const EMAIL = 'jane.doe@example.com';
const DAY = 86_400_000;

describe('the notice publisher', () => {
  const world = usePublisherStores('notice_publisher', BOT_TOKEN);
  const { standin } = world;
  let models: Models;
  let authorizations: AuthorizationStore;
  let outbox: Outbox;
  let notices: NoticeStore;
  let client: WebClient;

  beforeAll(() => {
    ({ models, authorizations, outbox, notices, client } = world.stores);
  });
  beforeEach(async () => {
    standin.reset();
    standin.setDown(false);
    // Each test starts from an empty outbox, whatever an earlier failing test left behind.
    await models.OutboxEffect.updateMany({ publishedAt: null }, { $set: { publishedAt: new Date() } });
  });

  const noticeData = plainNoticeData(() => authorizations);

  const publisher = (minPostIntervalMs = 20, clock = () => new Date()) =>
    createNoticePublisher({
      outbox,
      notices,
      noticeData,
      slackFor: async () => ({ client, channel: ALERTS }),
      clock,
      log: silentLog(),
      minPostIntervalMs,
    });

  // Platform observations must move forward in time, or the store ignores them as stale.
  let tick = 0;
  let externalIds = 0;
  const observe = (
    externalId: string,
    state: AuthorizationState,
    extra: { reason?: BadLoginReason; expiresAt?: Date | null } = {},
  ) => {
    const now = new Date(Date.now() + tick++);
    return authorizations.applyByKey(
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId },
      {
        event: observedEvent(state, now, extra),
        actor: 'platform',
        customer: { name: 'Jane Doe', email: EMAIL, utility: 'PG&E' },
        now,
      },
    );
  };
  const badLogin = async () => (await observe(`auth-${++externalIds}`, 'bad_login')).authorizationId;
  const externalIdOf = async (id: string) => (await authorizations.findById(id))?.externalId ?? '';
  const record = (authorizationId: string, key: string, effect: OutboxEffect) =>
    outbox.record({
      id: `${authorizationId}:${key}`,
      authorizationId: new Types.ObjectId(authorizationId),
      effect,
      createdAt: new Date(Date.now() + tick++),
    });

  const topLevel = (): PostedMessage[] =>
    [...standin.messages(ALERTS).values()].filter((m) => m.threadTs === undefined);
  const noticeOf = (authorizationId: string): PostedMessage[] =>
    topLevel().filter((m) => JSON.stringify(m.blocks).includes(authorizationId));
  const onlyNoticeOf = (authorizationId: string): PostedMessage => {
    const found = noticeOf(authorizationId);
    expect(found).toHaveLength(1);
    return found[0] as PostedMessage;
  };
  const repliesTo = (m: PostedMessage): PostedMessage[] =>
    m.replies.map((ts) => standin.messages(ALERTS).get(ts) as PostedMessage);
  const hasAskButton = (m: PostedMessage) =>
    JSON.stringify(m.blocks).includes(`"action_id":"${ActionId.askReauth}"`);
  const pendingCount = async () => (await outbox.pending()).length;

  it('posts one notice with the reauth button for a bad login', async () => {
    const id = await badLogin();
    expect(await publisher().publishPending()).toEqual({ published: 1, deferred: 0 });

    expect(topLevel()).toHaveLength(1);
    const notice = onlyNoticeOf(id);
    expect(notice.text).toContain("Username and password didn't work");
    expect(JSON.stringify(notice.blocks)).toContain("Username and password didn't work");
    expect(hasAskButton(notice)).toBe(true);
    expect((await notices.openFor(id))?.ts).toBe(notice.ts);
    expect(await pendingCount()).toBe(0);
  });

  it('updates the same notice and adds one thread reply when the problem changes', async () => {
    const id = await badLogin();
    const pub = publisher();
    await pub.publishPending();
    const before = onlyNoticeOf(id);

    await observe(await externalIdOf(id), 'expired', { expiresAt: new Date(Date.now() - 90 * DAY) });
    expect(await pub.publishPending()).toEqual({ published: 1, deferred: 0 });

    const after = onlyNoticeOf(id);
    expect(after.ts).toBe(before.ts);
    expect(after.updates).toBe(1);
    expect(after.text).toContain('This authorization expired');
    expect(hasAskButton(after)).toBe(true);
    const replies = repliesTo(after);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('Status changed: This authorization expired');
    expect(topLevel()).toHaveLength(1);
  });

  it('turns the notice resolved, without the button, when the customer relinks', async () => {
    const id = await badLogin();
    const pub = publisher();
    await pub.publishPending();

    await observe(await externalIdOf(id), 'active');
    expect(await pub.publishPending()).toEqual({ published: 1, deferred: 0 });

    const notice = onlyNoticeOf(id);
    expect(notice.text).toContain(RESOLVED_WORDS);
    expect(hasAskButton(notice)).toBe(false);
    expect(repliesTo(notice).map((r) => r.text)).toEqual([RESOLVED_WORDS]);
    expect(await notices.openFor(id)).toBeNull();

    // The next incident of the same authorization gets a notice of its own.
    await observe(await externalIdOf(id), 'bad_login');
    await pub.publishPending();
    expect(noticeOf(id)).toHaveLength(2);
  });

  it('shows a sent request in the thread with the email masked, never in full', async () => {
    const id = await badLogin();
    const pub = publisher();
    await pub.publishPending();

    const sentAt = new Date();
    await record(id, 'request:r1:sent', { type: 'request.sent', requestId: 'r1', sentTo: EMAIL, at: sentAt });
    expect(await pub.publishPending()).toEqual({ published: 1, deferred: 0 });

    const notice = onlyNoticeOf(id);
    expect(notice.updates).toBe(1);
    const replies = repliesTo(notice);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toBe('Email sent to j***@e***.com');
    expect(JSON.stringify(standin.calls)).not.toContain(EMAIL);
  });

  it('posts the notice first when a request arrives for an authorization without one', async () => {
    const { authorizationId: id } = await observe(`auth-${++externalIds}`, 'provider_issue');
    await record(id, 'request:r2:failed', {
      type: 'request.failed',
      requestId: 'r2',
      code: 'email_rejected',
      message: 'Invalid recipient',
    });
    expect(await publisher().publishPending()).toEqual({ published: 1, deferred: 0 });

    const notice = onlyNoticeOf(id);
    const replies = repliesTo(notice);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('SendGrid refused the email: Invalid recipient');
    expect(JSON.stringify(replies[0]?.blocks)).toContain(`"action_id":"${ActionId.retrySend}"`);
    // No incident was open, so that notice must not swallow the next incident.
    expect(await notices.openFor(id)).toBeNull();
    await observe(await externalIdOf(id), 'bad_login');
    await publisher().publishPending();
    expect(noticeOf(id)).toHaveLength(2);
  });

  it('posts an expiry warning on its own when no incident is open, and in the thread when one is', async () => {
    const expiresAt = new Date(Date.now() + 5 * DAY + 3_600_000);
    const { authorizationId: quiet } = await observe(`auth-${++externalIds}`, 'active', { expiresAt });
    await record(quiet, 'warning:7', { type: 'expiry.warning', days: 7, expiresAt });
    const open = await badLogin();
    const pub = publisher();
    await pub.publishPending();
    await record(open, 'warning:7', { type: 'expiry.warning', days: 7, expiresAt });
    expect(await pub.publishPending()).toEqual({ published: 1, deferred: 0 });

    expect(onlyNoticeOf(quiet).text).toContain('authorization expires in 5 days');
    expect(await notices.openFor(quiet)).toBeNull();
    expect(repliesTo(onlyNoticeOf(open))).toHaveLength(1);
  });

  it('waits out a 429 and retries the same notice', async () => {
    standin.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    const id = await badLogin();
    expect(await publisher().publishPending()).toEqual({ published: 1, deferred: 0 });

    const [limited, accepted] = standin.callsTo('chat.postMessage');
    expect(limited?.status).toBe(429);
    expect(accepted?.ok).toBe(true);
    expect((accepted?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    onlyNoticeOf(id);
  });

  it('leaves everything pending while Slack is down and posts each notice once after', async () => {
    const a = await badLogin();
    const b = await badLogin();
    await observe(await externalIdOf(a), 'bad_login', { reason: 'locked' });
    const pub = publisher();

    standin.setDown(true);
    const down = await pub.publishPending();
    expect(down.published).toBe(0);
    expect(down.deferred).toBe(3);
    expect(topLevel()).toHaveLength(0);
    const [first] = await outbox.forAuthorization(a);
    expect(first).toMatchObject({ publishedAt: null, attempts: 1, lastError: 'http_503' });
    expect(await pub.publishPending()).toEqual({ published: 0, deferred: 3 });

    standin.setDown(false);
    expect(await pub.publishPending()).toEqual({ published: 3, deferred: 0 });
    expect(await pub.publishPending()).toEqual({ published: 0, deferred: 0 });
    expect(topLevel()).toHaveLength(2);
    expect(repliesTo(onlyNoticeOf(a)).map((r) => r.text)).toEqual([
      'Status changed: Account locked after too many attempts',
    ]);
    expect(repliesTo(onlyNoticeOf(b))).toHaveLength(0);
  });

  it('holds later effects of an authorization Slack refused, and goes on with the others', async () => {
    const a = await badLogin();
    await observe(await externalIdOf(a), 'bad_login', { reason: 'mfa_required' });
    const b = await badLogin();
    standin.failNext('chat.postMessage', { error: 'channel_not_found' });
    const pub = publisher();

    expect(await pub.publishPending()).toEqual({ published: 1, deferred: 2 });
    expect(noticeOf(a)).toHaveLength(0);
    onlyNoticeOf(b);
    const [opened, changed] = await outbox.forAuthorization(a);
    expect(opened).toMatchObject({ publishedAt: null, lastError: 'channel_not_found', refusals: 1 });
    expect(changed).toMatchObject({ publishedAt: null, attempts: 0 });

    // A refused notice waits before it is tried again, and its authorization's later effects wait behind it.
    expect(await pub.publishPending()).toEqual({ published: 0, deferred: 0 });
    const later = publisher(20, () => new Date(Date.now() + 60_000));
    expect(await later.publishPending()).toEqual({ published: 2, deferred: 0 });
    const notice = onlyNoticeOf(a);
    expect(notice.text).toContain('The utility asks for a one-time code');
    expect(repliesTo(notice)).toHaveLength(1);
  });

  it('posts each notice and reply once when two publishers drain the outbox at the same time', async () => {
    const ids = [await badLogin(), await badLogin(), await badLogin()];
    for (const id of ids) await observe(await externalIdOf(id), 'revoked');
    const first = publisher(5);
    const second = publisher(5);

    await Promise.all([first.publishPending(), second.publishPending()]);
    // A publisher that met the other's claim left that authorization for a later pass.
    for (let pass = 0; pass < 5 && (await pendingCount()) > 0; pass++) await first.publishPending();

    expect(await pendingCount()).toBe(0);
    expect(topLevel()).toHaveLength(3);
    for (const id of ids) {
      const notice = onlyNoticeOf(id);
      expect(notice.text).toContain('Access revoked by the customer');
      expect(repliesTo(notice)).toHaveLength(1);
    }
  });

  it('spaces posts to a channel at least a second apart', async () => {
    await badLogin();
    await badLogin();
    await badLogin();
    expect(await publisher(1000).publishPending()).toEqual({ published: 3, deferred: 0 });

    const times = standin.callsTo('chat.postMessage').map((c) => c.at);
    expect(times).toHaveLength(3);
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
    }
  });

  it('ends a pass after the post in flight when stopped, and leaves the backlog for the next start', async () => {
    for (let i = 0; i < 6; i++) await badLogin();
    const pub = publisher(1000);
    const pass = pub.publishPending();
    await eventually(() => standin.callsTo('chat.postMessage').length > 0 || undefined, 'the first post');
    pub.stop();
    // Paced a second apart, the whole backlog would take five seconds more.
    expect((await pass).published).toBeLessThanOrEqual(2);
    const posted = topLevel().length;
    expect(await pendingCount()).toBe(6 - posted);

    expect(await publisher(5).publishPending()).toEqual({ published: 6 - posted, deferred: 0 });
    expect(topLevel()).toHaveLength(6);
  });

  describe('after a publisher died mid-entry', () => {
    const openedEntryOf = async (id: string) => (await outbox.forAuthorization(id))[0]?._id ?? '';
    const claimAs = async (id: string, claimedAt: Date) => {
      const entryId = await openedEntryOf(id);
      const authorization = await authorizations.findById(id);
      if (!authorization) throw new Error('authorization missing');
      await notices.claim({
        id: NoticeId.own('incident', entryId),
        authorizationId: authorization._id,
        kind: 'incident',
        channel: ALERTS,
        now: claimedAt,
      });
      return NoticeId.own('incident', entryId);
    };

    it('updates a notice that was posted but not marked published, instead of posting it again', async () => {
      const id = await badLogin();
      const claimId = await claimAs(id, new Date());
      const posted = await client.chat.postMessage({ channel: ALERTS, text: 'posted before the crash' });
      await notices.setTs(claimId, posted.ts ?? '');

      expect(await publisher().publishPending()).toEqual({ published: 1, deferred: 0 });
      expect(standin.callsTo('chat.postMessage')).toHaveLength(1);
      const notice = onlyNoticeOf(id);
      expect(notice.ts).toBe(posted.ts);
      expect(notice.text).toContain("Username and password didn't work");
    });

    it('leaves a fresh claim without a ts to its publisher', async () => {
      const id = await badLogin();
      await claimAs(id, new Date());
      expect(await publisher().publishPending()).toEqual({ published: 0, deferred: 1 });
      expect(standin.callsTo('chat.postMessage')).toHaveLength(0);
    });

    it('takes over a stale claim without a ts and posts the notice once', async () => {
      const id = await badLogin();
      const claimId = await claimAs(id, new Date(Date.now() - 10 * 60_000));
      const pub = publisher();
      expect(await pub.publishPending()).toEqual({ published: 1, deferred: 0 });
      expect(await pub.publishPending()).toEqual({ published: 0, deferred: 0 });
      const notice = onlyNoticeOf(id);
      expect((await notices.findById(claimId))?.ts).toBe(notice.ts);
    });
  });
});
