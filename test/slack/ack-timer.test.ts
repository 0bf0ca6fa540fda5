import { closeServer, createHttpServer, listen } from '../../src/http/server';
import { createMetrics } from '../../src/metrics/metrics';
import { createSlackApp } from '../../src/slack/app';
import { Command } from '../../src/slack/ids';
import { SlackPath } from '../../src/slack/receivers';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text';
import { silentLog } from '../support/silent-log';
import { signSlackRequest, slashCommandBody } from '../support/slack-signing';
import { createSlackStandin } from '../support/slack-standin';

const BOT_TOKEN = 'xoxb-ack-timer-0123456789';
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const TEAM = 'T0ACKTIME1';

describe('Slack ack latency', () => {
  const standin = createSlackStandin({ botToken: BOT_TOKEN, teamId: TEAM });
  beforeAll(() => standin.start());
  afterAll(() => standin.stop());

  it('observes the time to each ack, by kind of request, in relink_slack_ack_seconds', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const slack = createSlackApp({
      config: {
        botToken: BOT_TOKEN,
        signingSecret: SIGNING_SECRET,
        appToken: null,
        socketMode: false,
        oauth: null,
        alertChannel: 'C0ALERTS01',
        apiUrl: `${standin.url}/api/`,
      },
      log: silentLog(),
      metrics,
    });
    // A listener that takes its time before acking, as a slow lookup would.
    slack.app.command(Command.reauth, async ({ ack }) => {
      await new Promise((r) => setTimeout(r, 120));
      await ack();
    });
    await slack.start();
    const server = createHttpServer({ routes: slack.routes, log: silentLog() });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const body = slashCommandBody({
        actor: { userId: 'U0ALICE001', teamId: TEAM },
        command: Command.reauth,
        text: 'help',
        channelId: 'C0ALERTS01',
        triggerId: 'trigger-1',
      });
      const response = await fetch(`http://127.0.0.1:${port}${SlackPath.events}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...signSlackRequest({ signingSecret: SIGNING_SECRET, body }),
        },
        body,
      });
      expect(response.status).toBe(200);
      const families = parsePrometheusText(await metrics.registry.metrics());
      const labels = { kind: 'slash_command' };
      expect(sampleValue(families, 'relink_slack_ack_seconds_count', labels)).toBe(1);
      expect(sampleValue(families, 'relink_slack_ack_seconds_sum', labels)).toBeGreaterThanOrEqual(0.1);
      expect(sampleValue(families, 'relink_slack_ack_seconds_bucket', { ...labels, le: '0.1' })).toBe(0);
      expect(sampleValue(families, 'relink_slack_ack_seconds_bucket', { ...labels, le: '0.25' })).toBe(1);
    } finally {
      await closeServer(server);
      await slack.stop();
    }
  });
});
