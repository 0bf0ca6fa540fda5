import { Types } from 'mongoose';
import type { OutboxEffect } from '../../src/domain/reauth-request';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createNoticePublisher } from '../../src/slack/notice-publisher';
import { observedEvent } from '../support/events';
import { eventually } from '../support/eventually';
import { plainNoticeData } from '../support/plain-notice-data';
import { usePublisherStores } from '../support/publisher-stores';
import { silentLog } from '../support/silent-log';
import type { PostedMessage } from '../support/slack-standin';

const BOT_TOKEN = 'xoxb-relink-test';
const ALERTS = 'C0LANES001';
const FOLLOW_UPS = 500;

/** Lanes (DESIGN.md): news is published before follow-ups, and runs of effects on one notice coalesce. */
describe('the notice publisher’s lanes', () => {
  const world = usePublisherStores('notice_publisher_lanes', BOT_TOKEN);
  const { standin } = world;
  // The stores, once the world's beforeAll made them.
  const stores = () => world.stores;

  beforeEach(async () => {
    standin.reset();
    await stores().models.OutboxEffect.deleteMany({});
  });

  const noticeData = plainNoticeData(() => stores().authorizations);

  const publisher = (newsCheckEveryMs = 2_000) =>
    createNoticePublisher({
      ...stores(),
      noticeData,
      slackFor: async () => ({ client: stores().client, channel: ALERTS }),
      clock: () => new Date(),
      log: silentLog(),
      minPostIntervalMs: 0,
      newsCheckEveryMs,
    });

  let tick = 0;
  let externalIds = 0;
  const at = () => new Date(Date.now() + tick++);
  const item = (externalId: string, state: 'active' | 'bad_login' | 'expired') => {
    const now = at();
    return {
      key: { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook' as const, externalId },
      options: {
        event: observedEvent(state, now),
        actor: 'platform' as const,
        customer: { name: `Customer ${externalId}`, email: `${externalId}@example.com`, utility: 'PG&E' },
        now,
      },
    };
  };
  const observe = async (externalId: string, state: 'bad_login' | 'expired') => {
    const [result] = await stores().authorizations.applyMany([item(externalId, state)]);
    return result?.authorizationId as string;
  };
  const badLogin = () => observe(`lane-${++externalIds}`, 'bad_login');
  /** `n` customers whose requests are on their way: one "request queued" follow-up each, no news. */
  const followUps = async (n: number) => {
    const items = Array.from({ length: n }, () => item(`lane-${++externalIds}`, 'active'));
    const ids = (await stores().authorizations.applyMany(items)).map((r) => r.authorizationId);
    for (const id of ids) await record(id, 'queued', queued(id));
    return ids;
  };
  const queued = (id: string): OutboxEffect => ({
    type: 'request.queued',
    requestId: `r-${id}`,
    requestedBy: 'U0ALICE',
  });
  const record = (authorizationId: string, key: string, effect: OutboxEffect) =>
    stores().outbox.record({
      id: `${authorizationId}:${key}`,
      authorizationId: new Types.ObjectId(authorizationId),
      effect,
      createdAt: at(),
    });

  const topLevel = (): PostedMessage[] =>
    [...standin.messages(ALERTS).values()].filter((m) => m.threadTs === undefined);
  const positionOf = (authorizationId: string) =>
    topLevel().findIndex((m) => JSON.stringify(m.blocks).includes(authorizationId));

  it('publishes a new incident recorded after 500 queued follow-ups first', async () => {
    await followUps(FOLLOW_UPS);
    const news = await badLogin();
    const pub = publisher();
    const passing = pub.publishPending();
    await eventually(() => positionOf(news) >= 0, 'the new incident’s notice');
    pub.stop();
    await passing;
    expect(positionOf(news)).toBe(0);
  });

  it('ends a pass of follow-ups when news arrives, so the news waits for one follow-up, not all', async () => {
    await followUps(FOLLOW_UPS);
    const pub = publisher(0);
    const passing = pub.publishPending();
    await eventually(() => topLevel().length >= 5, 'five follow-ups published');
    const news = await badLogin();
    const postedBefore = topLevel().length;
    await eventually(() => positionOf(news) >= 0, 'the new incident’s notice');
    pub.stop();
    await passing;
    // Follow-ups published between the news being recorded and being seen: the one in flight, and
    // the one whose turn came while the pass ended.
    expect(positionOf(news) - postedBefore).toBeLessThanOrEqual(2);
    expect(topLevel().length).toBeLessThan(FOLLOW_UPS);
  });

  it('is told of news this process records, without asking the outbox', async () => {
    await followUps(100);
    const pub = publisher(60_000);
    const passing = pub.publishPending();
    await eventually(() => topLevel().length >= 5, 'five follow-ups published');
    const news = await badLogin();
    const postedBefore = topLevel().length;
    pub.effectsRecorded(['incident.opened']);
    await eventually(() => positionOf(news) >= 0, 'the new incident’s notice');
    pub.stop();
    await passing;
    expect(positionOf(news) - postedBefore).toBeLessThanOrEqual(2);
  });

  it('shows ten effects pending on one notice with one chat.update of the latest state', async () => {
    const externalId = `lane-${++externalIds}`;
    const id = await observe(externalId, 'bad_login');
    await publisher().publishPending();
    const notice = topLevel()[0] as PostedMessage;
    const earlier = standin.calls.length;
    for (let n = 1; n <= 9; n++) {
      await record(id, `triaged-${n}`, {
        type: 'incident.triaged',
        change: { kind: 'assigned', by: `U0PERSON${n}` },
      });
    }
    // The tenth changes the authorization itself: the one update must show its latest state.
    await observe(externalId, 'expired');
    expect((await stores().outbox.pending()).length).toBe(10);

    expect(await publisher().publishPending()).toEqual({ published: 10, deferred: 0 });
    const calls = standin.calls.slice(earlier);
    const updates = calls.filter((c) => c.method === 'chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args.ts).toBe(notice.ts);
    expect(JSON.stringify(updates[0]?.args.blocks)).toContain('expired');
    // Each effect still has its line in the thread.
    expect(calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(10);
    expect(standin.messages(ALERTS).get(notice.ts as string)?.replies).toHaveLength(10);
  });
});
