import { loadConfig } from '../../src/config';
import { closeServer, createHttpServer, listen } from '../../src/http/server';
import { missingSlackVariables, setupRoute } from '../../src/http/setup-page';
import { silentLog } from '../support/silent-log';

const log = silentLog();
const ALL_MISSING = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)',
  'SLACK_ALERT_CHANNEL',
];

async function get(missing: string[], headers: Record<string, string> = {}) {
  const server = createHttpServer({ routes: [setupRoute({ missing })], log });
  const port = await listen(server, 0, '127.0.0.1');
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { headers });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.text(),
    };
  } finally {
    await closeServer(server);
  }
}

describe('missingSlackVariables', () => {
  it('lists every Slack variable when Slack is not configured at all', () => {
    expect(missingSlackVariables(loadConfig({}).slack)).toEqual(ALL_MISSING);
    expect(missingSlackVariables(null)).toEqual(ALL_MISSING);
  });

  it('is empty for a configured HTTP, Socket Mode or OAuth setup', () => {
    const http = {
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
      SLACK_ALERT_CHANNEL: 'C0123456789',
    };
    expect(missingSlackVariables(loadConfig(http).slack)).toEqual([]);
    const socket = {
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_APP_TOKEN: 'xapp-1-A-1-abc',
      SLACK_ALERT_CHANNEL: 'C0123456789',
    };
    expect(missingSlackVariables(loadConfig(socket).slack)).toEqual([]);
    const oauth = {
      SLACK_CLIENT_ID: '1234567890.1234567890',
      SLACK_CLIENT_SECRET: 'secret',
      SLACK_STATE_SECRET: 'state-secret-0123456789',
      SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
      SLACK_ALERT_CHANNEL: 'C0123456789',
      RELINK_ENCRYPTION_KEY: 'ab'.repeat(32),
    };
    expect(missingSlackVariables(loadConfig(oauth).slack)).toEqual([]);
  });

  it('names only what is still missing from a partial Slack section', () => {
    const partial = {
      botToken: 'xoxb-1-2-abc',
      signingSecret: null,
      appToken: null,
      socketMode: false,
      oauth: null,
      alertChannel: '',
      apiUrl: 'https://slack.com/api/',
    };
    expect(missingSlackVariables(partial)).toEqual(ALL_MISSING.slice(1));
  });
});

describe('GET /', () => {
  it('shows a setup page listing what to set and where the README explains it', async () => {
    const response = await get(ALL_MISSING);
    expect(response.status).toBe(200);
    expect(response.type).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<title>relink is running in setup mode</title>');
    for (const variable of ALL_MISSING) expect(response.body).toContain(`<code>${variable}</code>`);
    expect(response.body).toContain('Create the Slack app');
    expect(response.body).toContain('README.md');
  });

  it('escapes what it lists', async () => {
    const response = await get(['<script>alert(1)</script>']);
    expect(response.body).not.toContain('<script>');
    expect(response.body).toContain('&#60;script&#62;');
  });

  it('answers JSON with the same list when asked for JSON', async () => {
    const response = await get(ALL_MISSING, { accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(response.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.body)).toEqual({
      name: 'relink',
      slack: 'setup',
      title: 'relink is running in setup mode',
      missing: ALL_MISSING,
      help: 'README.md#create-the-slack-app',
    });
  });

  it('answers 200 JSON once Slack is configured', async () => {
    const response = await get([]);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ name: 'relink', slack: 'configured' });
  });
});
