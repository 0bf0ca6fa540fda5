import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { RETRY_AFTER_SECONDS } from '../../src/http/webhooks';
import { type RunningRelink, startRelink } from '../../src/main';
import { utilityApiSignature } from '../../src/platforms/utilityapi/webhook';
import { embeddedDatabasePid } from '../support/embedded-database-process';
import { eventually } from '../support/eventually';
import { silentLog } from '../support/silent-log';
import { useTempDirs } from '../support/temp-dirs';
import { createUtilityApiStandIn, utilityApiTime } from '../support/utilityapi-standin';

/*
 * The embedded database process is killed (kill -9) under a running relink, as an OOM killer or a
 * crash would. relink starts it again on the same data; what it answered 200 for is still processed,
 * what arrives meanwhile is refused with 503 (so the platform retries) or stored, never lost.
 */

const SECRET = 'utilityapi-webhook-secret';
const TOKEN = 'utilityapi-token';

const dataDir = useTempDirs()('db-restart');

const databasePid = () => embeddedDatabasePid(dataDir);

describe('the embedded database process dies under a running relink', () => {
  const utilityapi = createUtilityApiStandIn({ token: TOKEN });
  const lost: Error[] = [];
  let relink: RunningRelink;
  let base: string;

  beforeAll(async () => {
    const { url } = await utilityapi.start();
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      UTILITYAPI_TOKEN: TOKEN,
      UTILITYAPI_URL: url,
      UTILITYAPI_WEBHOOK_SECRET: SECRET,
    });
    relink = await startRelink(config, silentLog(), {
      processEvery: 200,
      jobIntervals: {
        processInbox: '2 seconds',
        expireDue: '1 hour',
        warnExpiring: '1 hour',
        reconcileUtilityApi: '1 hour',
      },
      onDatabaseLost: (err) => lost.push(err),
      // Held down 3 s before its restart, so the outage outlasts a health check on a busy machine.
      databaseRestart: { delayMs: 3_000 },
    });
    base = `http://127.0.0.1:${relink.port}`;
    // agenda's first reconcile run talks to the stand-in; let it finish before failures are queued.
    await eventually(() => utilityapi.requests.length > 0, 'the startup reconcile', 10_000);
  }, 60_000);

  afterAll(async () => {
    await relink?.stop();
    await utilityapi.stop();
  });

  const badLogin = () =>
    utilityapi.upsertAuthorization({
      notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: utilityApiTime(new Date()) }],
    });
  const deliver = (uid: string, authorizationUid: string) =>
    utilityapi.deliverWebhook({
      url: `${base}/webhooks/utilityapi`,
      secret: SECRET,
      events: [{ uid, type: 'authorization_update_finished_errored', authorization_uid: authorizationUid }],
    });
  /** What UtilityAPI does, keeping the answer's headers. */
  const post = async (uid: string, authorizationUid: string) => {
    const event = {
      uid,
      type: 'authorization_update_finished_errored',
      ts: utilityApiTime(new Date()),
      authorization_uid: authorizationUid,
      delivery_method: 'webhook',
      delivery_target: `${base}/webhooks/utilityapi`,
      is_delivered: false,
    };
    const body = Buffer.from(JSON.stringify({ events: [event], next: null }));
    const salt = randomBytes(16).toString('hex');
    const response = await fetch(`${base}/webhooks/utilityapi`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-utilityapi-webhook-salt': salt,
        'x-utilityapi-webhook-signature': utilityApiSignature(SECRET, salt, body),
      },
      body,
    });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  };
  const health = () =>
    fetch(`${base}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
  const outcome = (uid: string) => relink.services.inbox.outcomeOf('utilityapi', uid).catch(() => null);
  const processed = (uid: string, within = 30_000) =>
    eventually(
      async () => {
        const o = await outcome(uid);
        return o !== null && o !== 'pending' && o;
      },
      `event ${uid} to be processed`,
      within,
    );

  it('restarts it, keeps what it acknowledged, refuses with 503 meanwhile, and goes on', async () => {
    const before = badLogin();
    const during = badLogin();
    const after = badLogin();

    // Acknowledged, then held unprocessed: UtilityAPI answers 503 to the re-fetch for a while.
    utilityapi.failNext(5, 503);
    const seen = utilityapi.requests.length;
    expect(await deliver('before-kill', before.uid)).toBe(200);
    await eventually(() => utilityapi.requests.length > seen, 'a (failed) re-fetch', 10_000);
    expect(await outcome('before-kill')).toBe('pending');

    const killedAt = Date.now();
    process.kill(databasePid(), 'SIGKILL');
    await eventually(async () => (await health()) === 503, '/healthz to say 503', 3_000);

    // While it is down: refused with Retry-After, so UtilityAPI delivers it again later.
    const whileDown = await post('while-down', during.uid);
    expect(whileDown).toEqual({ status: 503, retryAfter: String(RETRY_AFTER_SECONDS) });

    await eventually(async () => (await health()) === 200, '/healthz to say 200 again', 30_000);
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect(lost).toEqual([]);

    // UtilityAPI's retry of the refused delivery is stored now.
    expect(await deliver('while-down', during.uid)).toBe(200);
    expect(await deliver('after-restart', after.uid)).toBe(200);

    expect(await processed('before-kill')).toBe('applied');
    expect(await processed('while-down')).toBe('applied');
    expect(await processed('after-restart')).toBe('applied');
    expect(await relink.services.inbox.storedCount({ source: 'utilityapi' })).toBe(3);
  }, 90_000);
});
