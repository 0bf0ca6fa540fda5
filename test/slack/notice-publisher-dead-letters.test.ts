import type { WebClient } from '@slack/web-api';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { backlogGauges } from '../../src/http/backlog-gauges';
import { createNoticeData } from '../../src/reauth/notice-data';
import { createNoticePublisher } from '../../src/slack/notice-publisher';
import { publisherClient } from '../../src/slack/workspace-slack';
import { PARK_AFTER_REFUSALS } from '../../src/store/outbox';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';
import { eventually } from '../support/eventually';
import { silentLog } from '../support/silent-log';
import { createSlackStandin, type PostedMessage } from '../support/slack-standin';
import { storesWithWorklist } from '../support/worklist';

/*
 * Dead letters: the alert channel is changed to one the bot cannot post in, so Slack refuses every new
 * notice for good (channel_not_found). Those notices must not hold up the ones Slack accepts, must stop
 * costing a Slack call every pass, and must go out once the channel is fixed.
 */

const BOT_TOKEN = 'xoxb-relink-dead-letters';
const LIVE = 'C0LIVE0001';
const DEAD = 'C0DEAD0001';
const DEAD_NOTICES = 200;
const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('notices Slack refuses for good', () => {
  const db = useTestDatabase('dead_letters');
  // Only LIVE exists for the bot: chat.postMessage to DEAD answers channel_not_found.
  const standin = createSlackStandin({ botToken: BOT_TOKEN, channels: [{ id: LIVE }] });
  let stores: Awaited<ReturnType<typeof storesWithWorklist>>;
  let client: WebClient;
  let alertChannel = LIVE;
  // The publisher's clock: real time plus what the test skips ahead.
  let skipped = 0;
  const clock = () => new Date(Date.now() + skipped);

  beforeAll(async () => {
    const { apiUrl } = await standin.start();
    stores = await storesWithWorklist(db.connection);
    client = publisherClient(BOT_TOKEN, { slackApiUrl: apiUrl, log: silentLog() });
  });
  afterAll(() => standin.stop());

  const publisher = () =>
    createNoticePublisher({
      outbox: stores.outbox,
      notices: stores.notices,
      noticeData: createNoticeData(stores),
      slackFor: async () => ({ client, channel: alertChannel }),
      clock,
      log: silentLog(),
      minPostIntervalMs: 5,
    });

  let tick = 0;
  const observe = async (externalId: string, state: 'bad_login' | 'revoked') => {
    const now = new Date(Date.now() + tick++);
    const result = await stores.authorizations.applyByKey(
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId },
      {
        event: observedEvent(state, now),
        actor: 'platform',
        customer: { name: `Customer ${externalId}`, email: 'customer@example.com', utility: 'PG&E' },
        now,
      },
    );
    return result.authorizationId;
  };
  const inChannel = (channel: string) => [...standin.messages(channel).values()];
  const postsTo = (channel: string) =>
    standin.callsTo('chat.postMessage').filter((c) => c.args.channel === channel).length;

  /** relink's publish job: a pass, a short pause, again, until stopped. */
  const runJob = (pub: ReturnType<typeof publisher>) => {
    let running = true;
    const done = (async () => {
      while (running) {
        await pub.publishPending();
        await sleep(100);
      }
    })();
    return async () => {
      running = false;
      await done;
    };
  };

  it('do not hold up a notice Slack accepts, are parked after a few refusals, and go out once fixed', async () => {
    const pub = publisher();
    // A customer whose notice went out while the alert channel still worked.
    const known = await observe('known-customer', 'bad_login');
    await pub.publishPending();
    const [notice] = inChannel(LIVE) as PostedMessage[];
    expect(JSON.stringify(notice?.blocks)).toContain(known);

    // The alert channel is changed to one the bot cannot post in; 200 incidents open.
    alertChannel = DEAD;
    const dead: string[] = [];
    for (let i = 0; i < DEAD_NOTICES; i++) dead.push(await observe(`dead-${i}`, 'bad_login'));
    const stopJob = runJob(pub);
    try {
      await eventually(() => postsTo(DEAD) >= DEAD_NOTICES, 'every dead notice to be tried once', 60_000);
      const deadCalls = postsTo(DEAD);

      // The known customer revokes access: the update and reply go to its notice's thread in LIVE.
      const changedAt = Date.now();
      await observe('known-customer', 'revoked');
      await eventually(
        () => (notice && standin.messages(LIVE).get(notice.ts)?.replies.length) || false,
        'the reply',
      );
      const delayMs = Date.now() - changedAt;
      expect(delayMs).toBeLessThan(3_000);
      // Refused notices wait before their next try: no pass spent a Slack call on them meanwhile.
      expect(postsTo(DEAD)).toBe(deadCalls);
    } finally {
      await stopJob();
    }

    // Each is tried again after its wait, and parked at the third refusal.
    for (const wait of [31_000, 121_000]) {
      skipped += wait;
      for (let pass = 0; pass < 5; pass++) await pub.publishPending(DEAD_NOTICES);
    }
    expect(postsTo(DEAD)).toBe(DEAD_NOTICES * PARK_AFTER_REFUSALS);
    expect(await stores.outbox.countParked()).toBe(DEAD_NOTICES);
    expect(await stores.outbox.countPending()).toBe(0);
    const gauges = backlogGauges(stores);
    const parkedGauge = gauges.find((g) => g.name === 'relink_outbox_parked');
    expect(await parkedGauge?.read()).toBe(DEAD_NOTICES);
    const [sample] = await stores.outbox.forAuthorization(dead[0] as string);
    expect(sample).toMatchObject({
      publishedAt: null,
      parkedAt: expect.any(Date),
      refusals: PARK_AFTER_REFUSALS,
      lastError: 'channel_not_found',
    });

    // Parked entries cost nothing any more, however long they stay.
    skipped += 60 * MINUTE;
    expect(await pub.publishPending()).toEqual({ published: 0, deferred: 0 });
    expect(postsTo(DEAD)).toBe(DEAD_NOTICES * PARK_AFTER_REFUSALS);

    // Fixed: the channel exists and the bot is in it. Retried, each notice is posted once.
    standin.addChannel({ id: DEAD });
    expect(await stores.outbox.retryParked()).toBe(DEAD_NOTICES);
    for (let pass = 0; pass < 5 && (await stores.outbox.countPending()) > 0; pass++) {
      await pub.publishPending(DEAD_NOTICES);
    }
    expect(await stores.outbox.countParked()).toBe(0);
    const posted = inChannel(DEAD).filter((m) => m.threadTs === undefined);
    expect(posted).toHaveLength(DEAD_NOTICES);
    expect(new Set(posted.map((m) => m.text)).size).toBe(DEAD_NOTICES);
  }, 120_000);
});
