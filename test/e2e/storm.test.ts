import type { Connection } from 'mongoose';
import { loadConfig } from '../../src/config';
import { type RunningRelink, startRelink } from '../../src/main';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { eventually } from '../support/eventually';
import { silentLog } from '../support/silent-log';
import { createSlackStandin, type PostedMessage } from '../support/slack-standin';
import { createUtilityApiStandIn, utilityApiTime } from '../support/utilityapi-standin';

/*
 * A utility outage, end to end over real HTTP: 300 authorizations go bad within 10 s through signed
 * UtilityAPI webhooks. Slack's stand-in refuses (429) any post faster than one per second per channel,
 * as Slack does. Every incident must be visible within 30 s (named in a notice or counted in the
 * digest) and listed on the Home; the database must hold exactly one open incident notice each.
 */

const BOT_TOKEN = 'xoxb-e2e-storm-0123456789';
const CHANNEL = 'C0STORM001';
const UA_SECRET = 'ua-webhook-secret-storm';
const COUNT = 300;
const RESOLVING = 50;

jest.setTimeout(180_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a storm of bad logins reaches Slack as one digest, not a flood', () => {
  const slack = createSlackStandin({ botToken: BOT_TOKEN, channelPostIntervalMs: 1000 });
  const utilityapi = createUtilityApiStandIn({ token: 'ua-token' });
  let relink: RunningRelink;
  let connection: Connection;
  const uids: string[] = [];

  const topLevel = () => [...slack.messages(CHANNEL).values()].filter((m) => !m.threadTs);
  const digest = () => topLevel().find((m) => /authorizations? needs? attention/.test(m.text ?? ''));
  const digestCount = (m: PostedMessage) =>
    Number(/^([\d,]+) authorizations?/.exec(m.text ?? '')?.[1]?.replace(/,/g, ''));
  const deliver = (events: object[]) =>
    utilityapi.deliverWebhook({
      url: `http://127.0.0.1:${relink.port}/webhooks/utilityapi`,
      secret: UA_SECRET,
      events,
    });
  const openIncidentNotices = () =>
    connection.collection('notices').find({ kind: 'incident', resolvedAt: null }).toArray();

  beforeAll(async () => {
    const [s, u] = await Promise.all([slack.start(), utilityapi.start()]);
    const created = utilityApiTime(new Date(Date.now() - 86_400_000));
    for (let i = 0; i < COUNT; i++) {
      const a = utilityapi.upsertAuthorization({
        customer_email: `storm.${i}@example.com`,
        customer_signature: { type: 'text', ts: created, full_name: `Storm Customer ${i}` },
      });
      uids.push(a.uid);
    }
    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('e2e-storm')}`,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
      SLACK_ALERT_CHANNEL: CHANNEL,
      SLACK_API_URL: s.apiUrl,
      UTILITYAPI_TOKEN: 'ua-token',
      UTILITYAPI_URL: u.url,
      UTILITYAPI_WEBHOOK_SECRET: UA_SECRET,
    });
    relink = await startRelink(config, silentLog(), {
      // One relink on its own database, as on the embedded database in production.
      soleWriter: true,
      processEvery: 200,
      jobIntervals: { publishNotices: '1 second' },
    });
    connection = relink.services.models.Authorization.db;
    // The account's first sync imports the 300 valid authorizations quietly.
    await eventually(
      async () => (await relink.services.syncStates.get('single'))?.completedAt ?? undefined,
      'the first sync',
      60_000,
    );
    expect(topLevel()).toHaveLength(0);
  });
  afterAll(async () => {
    await relink?.stop();
    await Promise.all([slack.stop(), utilityapi.stop()]);
  });

  it('shows every incident within 30 s without exceeding Slack’s rate, and counts resolutions', async () => {
    // 300 bad logins within 10 s: ten signed batches of 30, one a second.
    for (let batch = 0; batch < 10; batch++) {
      const ts = utilityApiTime(new Date());
      const events = uids.slice(batch * 30, batch * 30 + 30).map((uid) => {
        utilityapi.upsertAuthorization({
          uid,
          notes: [{ type: 'access_invalid', msg: 'Invalid login', ts }],
        });
        return { type: 'authorization_update_finished_errored', authorization_uid: uid };
      });
      expect(await deliver(events)).toBe(200);
      if (batch < 9) await sleep(1000);
    }
    const lastWebhook = Date.now();

    // Every one is named in a notice or counted in the digest, and the Home lists them all.
    await eventually(
      () => {
        const d = digest();
        const individual = topLevel().filter((m) => m !== d).length;
        return d && digestCount(d) + individual === COUNT ? true : undefined;
      },
      'every incident to be visible in Slack',
      30_000,
    );
    const counts = await relink.services.worklist.counts('single', new Date());
    expect(counts.bad_logins).toBe(COUNT);
    expect(Date.now() - lastWebhook).toBeLessThan(30_000);

    // Exactly one open incident notice per authorization, each either posted or in the digest.
    const notices = await openIncidentNotices();
    expect(notices).toHaveLength(COUNT);
    expect(new Set(notices.map((n) => String(n.authorizationId))).size).toBe(COUNT);
    const d = digest() as PostedMessage;
    const inDigest = notices.filter((n) => n.digestOf);
    expect(inDigest.length).toBe(digestCount(d));
    expect(notices.filter((n) => !n.digestOf).every((n) => n.ts)).toBe(true);
    // The digest names the oldest ten and offers the Bad logins tab.
    expect(JSON.stringify(d.blocks)).toContain('Username and password didn');
    expect(JSON.stringify(d.blocks)).toContain('home_tab.bad_logins');

    // 50 customers relink: the digest counts them.
    const resolvedInDigest = inDigest.slice(0, RESOLVING).map((n) => String(n.authorizationId));
    const uidOf = new Map<string, string>();
    for (const a of await connection.collection('authorizations').find({}).toArray()) {
      uidOf.set(String(a._id), String(a.externalId ?? ''));
    }
    const ts = utilityApiTime(new Date());
    const resolving = resolvedInDigest.map((id) => uidOf.get(id) as string);
    expect(resolving.every(Boolean)).toBe(true);
    for (const uid of resolving) {
      utilityapi.upsertAuthorization({
        uid,
        notes: [{ type: 'access_valid', msg: 'Successfully registered.', ts }],
      });
    }
    expect(
      await deliver(
        resolving.map((uid) => ({
          type: 'authorization_update_finished_successful',
          authorization_uid: uid,
        })),
      ),
    ).toBe(200);
    const total = digestCount(d);
    await eventually(
      () => (digest()?.text ?? '').includes(`${RESOLVING} of ${total} resolved`) || undefined,
      'the digest to count the resolved incidents',
      30_000,
    );

    // Never faster than Slack's rate, so never a 429; and no message posted twice.
    expect(slack.rateLimitedCalls()).toHaveLength(0);
    const posts = slack.callsTo('chat.postMessage').filter((c) => c.status === 200);
    for (let i = 1; i < posts.length; i++) {
      expect((posts[i] as { at: number }).at - (posts[i - 1] as { at: number }).at).toBeGreaterThanOrEqual(
        1000,
      );
    }
    const texts = topLevel().map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length);
  });
});
