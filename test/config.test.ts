import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, readEnvironment } from '../src/config';
import { useTempDirs } from './support/temp-dirs';

const slackHttp = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
  SLACK_ALERT_CHANNEL: 'C0123456789',
};

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('accepts an empty environment: embedded database, setup mode without Slack, defaults', () => {
    const config = loadConfig({});
    expect(config.slack).toBeNull();
    expect(config.database).toEqual({ uri: null, dataDir: './.data' });
    expect(config.http.port).toBe(3000);
    expect(config.utilityapi.url).toBe('https://utilityapi.com/api/v2');
    expect(config.expiry.warningDays).toEqual([30, 7, 1]);
    expect(config.reauth.cooldownHours).toBe(24);
    expect(config.sendgrid).toBeNull();
  });

  it('reads the reconcile interval in minutes (default 15) and refuses one below a minute', () => {
    expect(loadConfig({}).utilityapi.reconcileEveryMinutes).toBe(15);
    expect(loadConfig({ RECONCILE_INTERVAL_MINUTES: '5' }).utilityapi.reconcileEveryMinutes).toBe(5);
    expect(problemsOf({ RECONCILE_INTERVAL_MINUTES: '0' })).toEqual([
      expect.stringMatching(/^RECONCILE_INTERVAL_MINUTES must be at least 1/),
    ]);
  });

  it.each([
    ['HTTP mode', slackHttp, { socketMode: false, botToken: 'xoxb-1-2-abc' }],
    [
      'Socket Mode',
      { ...slackHttp, SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: 'xapp-1-A-1-x' },
      { socketMode: true },
    ],
  ])('reads a Slack install in %s', (_name, env, expected) => {
    expect(loadConfig(env).slack).toMatchObject({ ...expected, alertChannel: 'C0123456789' });
  });

  it('reads the optional link settings: the Slack App ID and the dashboard template (off by default)', () => {
    expect(loadConfig(slackHttp).slack?.appId).toBeUndefined();
    expect(loadConfig({}).utilityapi.dashboardUrl).toBeNull();
    expect(loadConfig({ ...slackHttp, SLACK_APP_ID: 'A0123ABC456' }).slack?.appId).toBe('A0123ABC456');
    const template = 'https://dash.example.com/auth/{uid}';
    expect(loadConfig({ UTILITYAPI_DASHBOARD_URL: template }).utilityapi.dashboardUrl).toBe(template);
    expect(problemsOf({ ...slackHttp, SLACK_APP_ID: 'relink' })).toEqual([
      expect.stringMatching(/^SLACK_APP_ID must be the App ID/),
    ]);
    expect(problemsOf({ UTILITYAPI_DASHBOARD_URL: 'https://dash.example.com/auth/' })).toEqual([
      expect.stringMatching(/^UTILITYAPI_DASHBOARD_URL must contain \{uid\}/),
    ]);
  });

  it('reads the digest threshold and window (defaults 10 incidents, 10 s)', () => {
    expect(loadConfig({}).digest).toEqual({ threshold: 10, windowMs: 10_000 });
    expect(loadConfig({ DIGEST_THRESHOLD: '25', DIGEST_WINDOW_SECONDS: '30' }).digest).toEqual({
      threshold: 25,
      windowMs: 30_000,
    });
    expect(problemsOf({ DIGEST_THRESHOLD: '0' })).toEqual([
      expect.stringMatching(/^DIGEST_THRESHOLD must be at least 1/),
    ]);
  });

  it('returns a frozen config, all the way down', () => {
    const config = loadConfig(slackHttp);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.slack)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it.each([
    ['false', false],
    ['FALSE', false],
    ['0', false],
    ['no', false],
    ['true', true],
    ['1', true],
    ['yes', true],
  ])('parses LOG_PRETTY=%s as %s', (value, expected) => {
    expect(loadConfig({ LOG_PRETTY: value }).log.pretty).toBe(expected);
  });

  it('defaults readable logs to off in production and on elsewhere', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).log.pretty).toBe(false);
    expect(loadConfig({}).log.pretty).toBe(true);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: ' ', MONGODB_URI: '' }).http.port).toBe(3000);
    expect(loadConfig({ MONGODB_URI: '' }).database.uri).toBeNull();
  });

  it('parses expiry warning days into a sorted list without duplicates', () => {
    expect(loadConfig({ EXPIRY_WARNING_DAYS: '1, 30,7,7' }).expiry.warningDays).toEqual([30, 7, 1]);
  });

  it.each<[string, Record<string, string>, string[]]>([
    [
      'a bot token of the wrong kind',
      { ...slackHttp, SLACK_BOT_TOKEN: 'xoxp-123' },
      ['SLACK_BOT_TOKEN must start with xoxb- (the Bot User OAuth Token from OAuth & Permissions)'],
    ],
    [
      'neither Socket Mode nor HTTP mode',
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_ALERT_CHANNEL: 'C0123456789' },
      [
        'SLACK_SIGNING_SECRET set either SLACK_APP_TOKEN for Socket Mode or SLACK_SIGNING_SECRET for HTTP mode',
      ],
    ],
    [
      'a channel name instead of an id',
      { ...slackHttp, SLACK_ALERT_CHANNEL: '#alerts' },
      ['SLACK_ALERT_CHANNEL must be a channel id such as C0123456789, not a #name'],
    ],
    [
      'a Slack install without an alert channel',
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: slackHttp.SLACK_SIGNING_SECRET },
      ['SLACK_ALERT_CHANNEL is required: the channel id where notices are posted'],
    ],
    [
      'half an OAuth install',
      { ...slackHttp, SLACK_CLIENT_ID: '123.456', RELINK_ENCRYPTION_KEY: 'ab'.repeat(32) },
      [
        'SLACK_CLIENT_SECRET is required with the other SLACK_CLIENT_* variables (OAuth install)',
        'SLACK_STATE_SECRET is required with the other SLACK_CLIENT_* variables (OAuth install)',
      ],
    ],
    [
      'a port that is not a number',
      { PORT: 'eighty' },
      ['PORT must be a whole number (the HTTP port relink listens on)'],
    ],
    [
      'a port out of range',
      { PORT: '70000' },
      ['PORT must be at most 65535 (the HTTP port relink listens on)'],
    ],
    [
      'a database URI of another kind',
      { MONGODB_URI: 'postgres://x' },
      ['MONGODB_URI must start with mongodb:// or mongodb+srv://'],
    ],
    [
      'a SendGrid key without a sender',
      { SENDGRID_API_KEY: 'SG.abc' },
      ['SENDGRID_FROM_EMAIL is required with SENDGRID_API_KEY: the verified sender address'],
    ],
    [
      'a sender that is not an email',
      { SENDGRID_API_KEY: 'SG.abc', SENDGRID_FROM_EMAIL: 'ops at example' },
      ['SENDGRID_FROM_EMAIL must be an email address on a SendGrid-verified sender'],
    ],
    [
      'a boolean that is neither',
      { LOG_PRETTY: 'maybe' },
      [
        'LOG_PRETTY must be true or false (readable logs instead of JSON; defaults to true outside production)',
      ],
    ],
    [
      'a URL that is not http',
      { UTILITYAPI_URL: 'ftp://x' },
      ['UTILITYAPI_URL must be an http(s) URL (the UtilityAPI base URL)'],
    ],
    [
      'warning days that are not a list',
      { EXPIRY_WARNING_DAYS: '30;7' },
      ['EXPIRY_WARNING_DAYS must be a comma-separated list of whole days, e.g. 30,7,1'],
    ],
  ])('rejects %s with exactly the fix', (_name, env, expected) => {
    expect(problemsOf(env)).toEqual(expected);
  });

  it('lists every bad variable in one error, one line each', () => {
    const env = {
      SLACK_BOT_TOKEN: 'xoxp-1',
      PORT: '-1',
      MONGODB_URI: 'http://db',
      SLACK_ALERT_CHANNEL: 'general',
    };
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^relink cannot start: the environment has 5 problems:\n/);
    for (const variable of [
      'SLACK_BOT_TOKEN',
      'PORT',
      'MONGODB_URI',
      'SLACK_ALERT_CHANNEL',
      'SLACK_SIGNING_SECRET',
    ]) {
      expect(message).toMatch(new RegExp(`^  - ${variable} `, 'm'));
    }
    expect(message).toContain('See .env.example');
  });

  it('never echoes a secret value back in its message', () => {
    const message = (() => {
      try {
        loadConfig({ SLACK_BOT_TOKEN: 'xoxp-very-secret-value' });
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).not.toContain('very-secret-value');
  });
});

describe('readEnvironment', () => {
  const tempDir = useTempDirs();

  it('reads .env for variables the real environment does not set', () => {
    const dir = tempDir('env');
    writeFileSync(join(dir, '.env'), 'RELINK_TEST_FROM_FILE=file\nPATH=from-file\n');
    const env = readEnvironment(dir);
    expect(env.RELINK_TEST_FROM_FILE).toBe('file');
    expect(env.PATH).toBe(process.env.PATH);
  });

  it('works without a .env file', () => {
    const dir = tempDir('env');
    expect(readEnvironment(dir).PATH).toBe(process.env.PATH);
  });
});

describe('RELINK_ENCRYPTION_KEY', () => {
  const oauth = {
    ...slackHttp,
    SLACK_BOT_TOKEN: '',
    SLACK_CLIENT_ID: '1234567890.1234567890',
    SLACK_CLIENT_SECRET: 'client-secret',
    SLACK_STATE_SECRET: 'state-secret-0123456789',
  };
  const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
  const hex = bytes.toString('hex');

  it.each([
    ['64 hex characters', hex.toUpperCase()],
    ['base64, as openssl rand -base64 32 prints it', bytes.toString('base64')],
    ['base64url without padding', bytes.toString('base64url')],
  ])('reads a key written as %s, handed on as hex', (_how, key) => {
    expect(loadConfig({ ...oauth, RELINK_ENCRYPTION_KEY: key }).encryption).toEqual({
      key: hex,
      previousKey: null,
    });
  });

  it('is one clear problem, with how to make a key, when OAuth is configured without it', () => {
    expect(problemsOf(oauth)).toEqual([
      "RELINK_ENCRYPTION_KEY is required with SLACK_CLIENT_ID (OAuth install): it encrypts each workspace's tokens (make one with: openssl rand -base64 32)",
    ]);
  });

  it.each([
    ['too short', bytes.subarray(0, 16).toString('base64')],
    ['too long', Buffer.concat([bytes, bytes]).toString('base64')],
    ['not base64', 'this is not a key at all, not even close!!'],
    ['63 hex characters', hex.slice(1)],
  ])('refuses a key that is %s without echoing it', (_what, key) => {
    const problems = problemsOf({ ...oauth, RELINK_ENCRYPTION_KEY: key });
    expect(problems).toEqual([
      'RELINK_ENCRYPTION_KEY must be 32 random bytes written as 64 hex characters or base64 (make one with: openssl rand -base64 32)',
    ]);
    expect(problems.join()).not.toContain(key);
  });

  it('takes a previous key for rotation, but not alone, not equal to the key, not malformed', () => {
    const previous = Buffer.alloc(32, 7).toString('base64');
    expect(
      loadConfig({ ...oauth, RELINK_ENCRYPTION_KEY: hex, RELINK_ENCRYPTION_KEY_PREVIOUS: previous })
        .encryption,
    ).toEqual({ key: hex, previousKey: Buffer.alloc(32, 7).toString('hex') });
    expect(problemsOf({ RELINK_ENCRYPTION_KEY_PREVIOUS: previous })).toEqual([
      'RELINK_ENCRYPTION_KEY_PREVIOUS is only read beside RELINK_ENCRYPTION_KEY: set the new key there (make one with: openssl rand -base64 32)',
    ]);
    expect(
      problemsOf({
        ...oauth,
        RELINK_ENCRYPTION_KEY: hex,
        RELINK_ENCRYPTION_KEY_PREVIOUS: bytes.toString('base64'),
      }),
    ).toEqual([
      'RELINK_ENCRYPTION_KEY_PREVIOUS is the same key as RELINK_ENCRYPTION_KEY: to rotate, set a new key there (make one with: openssl rand -base64 32)',
    ]);
    expect(problemsOf({ RELINK_ENCRYPTION_KEY: hex, RELINK_ENCRYPTION_KEY_PREVIOUS: 'short' })).toEqual([
      expect.stringMatching(/^RELINK_ENCRYPTION_KEY_PREVIOUS must be 32 random bytes/),
    ]);
  });

  it('is optional without OAuth', () => {
    expect(loadConfig(slackHttp).encryption).toBeNull();
  });
});

describe('RELINK_PUBLIC_URL', () => {
  it('is unset by default: Settings then show the webhook path alone', () => {
    expect(loadConfig({}).http.publicUrl).toBeNull();
  });

  it('keeps an http(s) address and its path prefix, without the trailing slash', () => {
    expect(loadConfig({ RELINK_PUBLIC_URL: 'https://relink.example.com/' }).http.publicUrl).toBe(
      'https://relink.example.com',
    );
    expect(loadConfig({ RELINK_PUBLIC_URL: 'http://10.0.0.5:3000/relink' }).http.publicUrl).toBe(
      'http://10.0.0.5:3000/relink',
    );
  });

  it.each([
    ['relink.example.com', 'must be an http(s) URL'],
    ['ftp://relink.example.com', 'must be an http(s) URL'],
    ['https://relink.example.com/?x=1', 'without ?query or #fragment'],
  ])('refuses %s with one problem that says what is wanted', (value, words) => {
    const problems = problemsOf({ RELINK_PUBLIC_URL: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^RELINK_PUBLIC_URL /);
    expect(problems[0]).toContain(words);
  });
});

describe('retention periods', () => {
  it('default to 30 days of payloads, 7 of outcomes and published outbox entries, 400 of audit', () => {
    expect(loadConfig({}).retention).toEqual({
      webhookPayloadDays: 30,
      inboxOutcomeDays: 7,
      publishedOutboxDays: 7,
      auditDays: 400,
    });
  });

  it('take whole days, 0 meaning forever', () => {
    const config = loadConfig({ RETENTION_WEBHOOK_PAYLOAD_DAYS: '0', RETENTION_AUDIT_DAYS: '3650' });
    expect(config.retention).toMatchObject({ webhookPayloadDays: 0, auditDays: 3650 });
  });

  it('refuses anything else, saying what the number is for', () => {
    const problems = problemsOf({
      RETENTION_INBOX_OUTCOME_DAYS: '-1',
      RETENTION_PUBLISHED_OUTBOX_DAYS: 'a week',
    });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/^RETENTION_INBOX_OUTCOME_DAYS must be at least 0 \(days to keep/m);
    expect(problems.join('\n')).toMatch(/^RETENTION_PUBLISHED_OUTBOX_DAYS must be a whole number/m);
  });
});
