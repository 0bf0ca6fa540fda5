import type { Connection } from 'mongoose';
import { E2E, useE2eRelink } from '../support/e2e-relink';
import { eventually } from '../support/eventually';
import { utilityApiTime } from '../support/utilityapi-standin';

/*
 * A team connects an account that already has 1,000 authorizations needing attention (and 500 valid
 * ones): relink's first sync imports them all as open incidents, quietly, and the channel gets one
 * digest counting all 1,000 instead of 1,000 notices. The App Home counts them all.
 */

const CHANNEL = E2E.channel;
const BAD_LOGINS = 700;
const EXPIRED = 200;
const DECLINED = 100;
const VALID = 500;

jest.setTimeout(420_000);

describe('the first sync of an account with 1,000 problems', () => {
  const e2e = useE2eRelink('e2e-first-sync', {
    slack: { channelPostIntervalMs: 1000 },
    // No SendGrid: the first sync only reads the account and posts to Slack.
    env: {
      SENDGRID_API_KEY: undefined,
      SENDGRID_FROM_EMAIL: undefined,
      SENDGRID_FROM_NAME: undefined,
      SENDGRID_API_URL: undefined,
    },
    start: { processEvery: 200, jobIntervals: { publishNotices: '2 seconds' } },
    // The account already holds them all when relink first syncs it.
    beforeStart: () => {
      const longAgo = utilityApiTime(new Date(Date.now() - 90 * 86_400_000));
      const yesterday = utilityApiTime(new Date(Date.now() - 86_400_000));
      const customer = (i: number) => ({
        customer_email: `first.${i}@example.com`,
        customer_signature: { type: 'text' as const, ts: longAgo, full_name: `First Customer ${i}` },
      });
      let i = 0;
      for (let n = 0; n < BAD_LOGINS; n++, i++) {
        e2e.utilityapi.upsertAuthorization({
          ...customer(i),
          notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: yesterday }],
        });
      }
      for (let n = 0; n < EXPIRED; n++, i++) {
        e2e.utilityapi.upsertAuthorization({ ...customer(i), expires: yesterday, is_expired: true });
      }
      for (let n = 0; n < DECLINED; n++, i++) {
        e2e.utilityapi.upsertAuthorization({ ...customer(i), is_declined: true, declined: yesterday });
      }
      for (let n = 0; n < VALID; n++, i++) e2e.utilityapi.upsertAuthorization(customer(i));
    },
  });
  const { slack } = e2e;
  let connection: Connection;

  beforeAll(() => {
    connection = e2e.relink.services.models.Authorization.db;
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
    expect(await e2e.relink.services.syncStates.get('single')).toMatchObject({ importing: null });

    // At most a few channel messages: the summary, and nothing per authorization.
    expect(slack.callsTo('chat.postMessage').filter((c) => c.status === 200).length).toBeLessThanOrEqual(3);
    expect(slack.rateLimitedCalls()).toHaveLength(0);

    const { data } = await e2e.relink.services.home.prepare('single', 'U0FIRSTSYNC');
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
