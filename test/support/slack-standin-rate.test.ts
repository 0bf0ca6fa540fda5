import { WebClient } from '@slack/web-api';
import { createSlackStandin } from './slack-standin';

/** The stand-in's per-channel posting rate: Slack's one message per second per channel, without bursts. */
describe('the Slack stand-in’s per-channel rate', () => {
  const token = 'xoxb-rate-test';
  const standin = createSlackStandin({ botToken: token, channelPostIntervalMs: 1000 });
  let client: WebClient;

  beforeAll(async () => {
    const { apiUrl } = await standin.start();
    client = new WebClient(token, {
      slackApiUrl: apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
  });
  afterAll(() => standin.stop());
  beforeEach(() => standin.reset());

  it('answers 429 with Retry-After to a second post in the same channel within the interval', async () => {
    await client.chat.postMessage({ channel: 'C0RATE001', text: 'first' });
    await expect(client.chat.postMessage({ channel: 'C0RATE001', text: 'too soon' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 1,
    });
    expect(standin.rateLimitedCalls()).toHaveLength(1);
    expect(standin.messages('C0RATE001').size).toBe(1);
  });

  it('lets other channels, other methods and posts after the interval through', async () => {
    const first = await client.chat.postMessage({ channel: 'C0RATE001', text: 'first' });
    await client.chat.postMessage({ channel: 'C0RATE002', text: 'another channel' });
    await client.chat.update({ channel: 'C0RATE001', ts: first.ts as string, text: 'edited' });
    await new Promise((r) => setTimeout(r, 1000));
    await client.chat.postMessage({ channel: 'C0RATE001', text: 'a second later' });
    expect(standin.rateLimitedCalls()).toHaveLength(0);
    expect(standin.messages('C0RATE001').size).toBe(2);
  });
});
