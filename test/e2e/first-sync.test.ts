import type { Connection } from 'mongoose';
import { loadConfig } from '../../src/config';
import { type RunningRelink, startRelink } from '../../src/main';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { eventually } from '../support/eventually';
import { silentLog } from '../support/silent-log';
import { createSlackStandin } from '../support/slack-standin';
import { createUtilityApiStandIn, utilityApiTime } from '../support/utilityapi-standin';

/*
 * A team connects an account that already has 1,000 authorizations needing attention (and 500 valid
 * ones): relink's first sync imports them all as open incidents, quietly, and the channel gets one
 * digest counting all 1,000 instead of 1,000 notices. The App Home counts them all.
 */

const BOT_TOKEN = 'xoxb-e2e-first-sync-0123456789';
const CHANNEL = 'C0FIRSTSYNC1';
const BAD_LOGINS = 700;
const EXPIRED = 200;
const DECLINED = 100;
const VALID = 500;

jest.setTimeout(420_000);

describe('the first sync of an account with 1,000 problems', () => {
  const slack = createSlackStandin({ botToken: BOT_TOKEN, channelPostIntervalMs: 1000 });
  const utilityapi = createUtilityApiStandIn({ token: 'ua-token' });
  let relink: RunningRelink;
  let connection: Connection;

  beforeAll(async () => {
    const [s, u] = await Promise.all([slack.start(), utilityapi.start()]);
    const longAgo = utilityApiTime(new Date(Date.now() - 90 * 86_400_000));
    const yesterday = utilityApiTime(new Date(Date.now() - 86_400_000));
    const customer = (i: number) => ({
      customer_email: `first.${i}@example.com`,
      customer_signature: { type: 'text' as const, ts: longAgo, full_name: `First Customer ${i}` },
    });
    let i = 0;
    for (let n = 0; n < BAD_LOGINS; n++, i++) {
      utilityapi.upsertAuthorization({
        ...customer(i),
        notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: yesterday }],
      });
    }
    for (let n = 0; n < EXPIRED; n++, i++) {
      utilityapi.upsertAuthorization({ ...customer(i), expires: yesterday, is_expired: true });
    }
    for (let n = 0; n < DECLINED; n++, i++) {
      utilityapi.upsertAuthorization({ ...customer(i), is_declined: true, declined: yesterday });
    }
    for (let n = 0; n < VALID; n++, i++) utilityapi.upsertAuthorization(customer(i));

    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('e2e-first-sync')}`,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
      SLACK_ALERT_CHANNEL: CHANNEL,
      SLACK_API_URL: s.apiUrl,
      UTILITYAPI_TOKEN: 'ua-token',
      UTILITYAPI_URL: u.url,
      UTILITYAPI_WEBHOOK_SECRET: 'ua-webhook-secret-first-sync',
    });
    relink = await startRelink(config, silentLog(), {
      processEvery: 200,
      jobIntervals: { publishNotices: '2 seconds' },
    });
    connection = relink.services.models.Authorization.db;
  });
  afterAll(async () => {
    await relink?.stop();
    await Promise.all([slack.stop(), utilityapi.stop()]);
  });

  it('posts one summary counting all 1,000 and lists them on the Home', async () => {
    const summary = await eventually(
      () =>
        [...slack.messages(CHANNEL).values()].find((m) =>
          m.text?.startsWith('relink found 1,000 authorizations that already need attention: '),
        ),
      'one summary counting all 1,000',
      // The import is bounded by the embedded database's per-authorization writes (see README, "Performance").
      360_000,
    );
    expect(summary.text).toContain('700 bad logins ("Username and password didn\'t work")');
    expect(summary.text).toContain('200 expired');
    expect(summary.text).toContain('100 declined');
    expect(await relink.services.syncStates.get('single')).toMatchObject({ importing: null });

    // At most a few channel messages: the summary, and nothing per authorization.
    expect(slack.callsTo('chat.postMessage').filter((c) => c.status === 200).length).toBeLessThanOrEqual(3);
    expect(slack.rateLimitedCalls()).toHaveLength(0);

    const { data } = await relink.services.home.prepare('single', 'U0FIRSTSYNC');
    expect(data.counts.bad_logins).toBe(BAD_LOGINS);
    expect(data.counts.expired_declined).toBe(EXPIRED + DECLINED);
    expect(data.counts.all).toBe(BAD_LOGINS + EXPIRED + DECLINED + VALID);
    expect(data.importing).toBeNull();

    // Every incident is open and counted in the summary's digest, once.
    const notices = await connection
      .collection('notices')
      .find({ kind: 'incident', resolvedAt: null })
      .toArray();
    expect(notices).toHaveLength(1000);
    expect(new Set(notices.map((n) => String(n.authorizationId))).size).toBe(1000);
    expect(notices.every((n) => n.digestOf)).toBe(true);
    const open = await connection.collection('authorizations').countDocuments({ incidentOpen: true });
    expect(open).toBe(1000);
  });
});
