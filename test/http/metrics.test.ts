import { loadConfig } from '../../src/config';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { startRelink } from '../../src/main';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { eventually } from '../support/eventually';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text';
import { silentLog } from '../support/silent-log';

// Every family relink promises (README, "Metrics and health"), beside one process metric.
const FAMILIES = {
  relink_webhooks_received_total: 'counter',
  relink_notices_posted_total: 'counter',
  relink_notices_updated_total: 'counter',
  relink_slack_api_errors_total: 'counter',
  relink_emails_total: 'counter',
  relink_reminders_sent_total: 'counter',
  relink_slack_ack_seconds: 'histogram',
  relink_job_duration_seconds: 'histogram',
  relink_inbox_pending: 'gauge',
  relink_inbox_poisoned: 'gauge',
  relink_outbox_pending: 'gauge',
  relink_outbox_parked: 'gauge',
  relink_requests_queued: 'gauge',
  relink_requests_failed: 'gauge',
  relink_backlogs_sampled_at_seconds: 'gauge',
  process_cpu_seconds_total: 'counter',
  nodejs_eventloop_lag_seconds: 'gauge',
} as const;

describe('GET /metrics', () => {
  const dbName = uniqueDbName('metrics');
  const config = loadConfig({
    PORT: '0',
    MONGODB_URI: `${testDatabaseUri()}${dbName}`,
    UTILITYAPI_WEBHOOK_SECRET: 'a-webhook-secret',
  });
  let relink: Awaited<ReturnType<typeof startRelink>>;
  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${relink.port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    return parsePrometheusText(await response.text());
  };

  beforeAll(async () => {
    relink = await startRelink(config, silentLog(), {
      jobIntervals: { processInbox: '1 hour' },
      backlogSampleEveryMs: 100,
    });
  });
  afterAll(() => relink.stop());

  it('parses as Prometheus text and has every counter, histogram and gauge, with process metrics', async () => {
    const families = await scrape();
    for (const [name, type] of Object.entries(FAMILIES)) {
      expect({ name, type: families.get(name)?.type }).toEqual({ name, type });
    }
    // Agenda runs each job once at start: its duration is observed.
    await eventually(
      async () => sampleValue(await scrape(), 'relink_job_duration_seconds_count', { job: 'expire-due' }),
      'a timed job run',
    );
  });

  it('counts webhooks by source and outcome', async () => {
    const post = () =>
      fetch(`http://127.0.0.1:${relink.port}/webhooks/utilityapi`, { method: 'POST', body: '{}' });
    expect((await post()).status).toBe(401);
    expect((await post()).status).toBe(401);
    const families = await scrape();
    expect(
      sampleValue(families, 'relink_webhooks_received_total', {
        source: 'utilityapi',
        outcome: 'unauthorized',
      }),
    ).toBe(2);
    expect(sampleValue(families, 'relink_webhook_last_accepted_seconds', { source: 'utilityapi' })).toBe(
      undefined,
    );
  });

  it('reports the backlogs as last counted, not as counted by the scrape', async () => {
    // Without UTILITYAPI_TOKEN this event cannot be processed, so it stays pending.
    await relink.services.inbox.store(
      [
        {
          workspaceId: SINGLE_WORKSPACE_ID,
          source: 'utilityapi',
          eventId: 'm1',
          type: 'authorization_created',
          payload: { authorization_uid: 'a1' },
        },
      ],
      new Date(),
    );
    const families = await eventually(async () => {
      const now = await scrape();
      return sampleValue(now, 'relink_inbox_pending') === 1 && now;
    }, 'the sampler to count the pending event');
    expect(sampleValue(families, 'relink_outbox_pending')).toBe(0);
    expect(sampleValue(families, 'relink_requests_queued')).toBe(0);
    expect(sampleValue(families, 'relink_backlogs_sampled_at_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
  });
});
