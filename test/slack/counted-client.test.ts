import { createMetrics } from '../../src/metrics/metrics';
import { CountedWebClient, countedWebClient } from '../../src/slack/counted-client';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text';
import { createSlackStandin } from '../support/slack-standin';

const BOT_TOKEN = 'xoxb-counted-0123456789';

describe('CountedWebClient', () => {
  const standin = createSlackStandin({ botToken: BOT_TOKEN, teamId: 'T0COUNTED1' });
  beforeAll(() => standin.start());
  afterAll(() => standin.stop());

  it('counts each failed call by method and Slack error, and none that succeed', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const client = new CountedWebClient(
      BOT_TOKEN,
      { slackApiUrl: `${standin.url}/api/`, retryConfig: { retries: 0 } },
      metrics,
    );
    const wrong = new CountedWebClient(
      'xoxb-not-the-token',
      { slackApiUrl: `${standin.url}/api/`, retryConfig: { retries: 0 } },
      metrics,
    );
    await client.auth.test();
    await expect(wrong.auth.test()).rejects.toThrow();
    await expect(wrong.chat.postMessage({ channel: 'C0ALERTS01', text: 'hi' })).rejects.toThrow();
    await expect(wrong.chat.postMessage({ channel: 'C0ALERTS01', text: 'hi' })).rejects.toThrow();
    const families = parsePrometheusText(await metrics.registry.metrics());
    const errors = families.get('relink_slack_api_errors_total')?.samples ?? [];
    expect(errors.map((s) => [s.labels.method, s.labels.error, s.value])).toEqual([
      ['auth.test', 'invalid_auth', 1],
      ['chat.postMessage', 'invalid_auth', 2],
    ]);
    expect(
      sampleValue(families, 'relink_slack_api_errors_total', { method: 'auth.test', error: 'invalid_auth' }),
    ).toBe(1);
  });

  it('counts the notices and replies it posts and the notices it updates', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const client = countedWebClient(metrics, BOT_TOKEN, { slackApiUrl: `${standin.url}/api/` });
    const notice = await client.chat.postMessage({
      channel: 'C0ALERTS01',
      text: 'Ada: password did not work',
    });
    await client.chat.postMessage({
      channel: 'C0ALERTS01',
      text: 'Asked Ada',
      thread_ts: notice.ts as string,
    });
    await client.chat.update({ channel: 'C0ALERTS01', ts: notice.ts as string, text: 'Ada: resolved' });
    const families = parsePrometheusText(await metrics.registry.metrics());
    expect(sampleValue(families, 'relink_notices_posted_total', { kind: 'notice' })).toBe(1);
    expect(sampleValue(families, 'relink_notices_posted_total', { kind: 'reply' })).toBe(1);
    expect(sampleValue(families, 'relink_notices_updated_total')).toBe(1);
    expect(families.get('relink_slack_api_errors_total')?.samples).toEqual([]);
  });
});
