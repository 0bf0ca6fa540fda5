// Longer than 250 lines because it is the environment's one schema and one error (STYLE.md §7): every variable and its check read in one file.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';

/** The raw environment: what `process.env` and `.env` hold, before validation. */
export type Environment = Record<string, string | undefined>;

/**
 * Reads `process.env`, filling gaps from `<cwd>/.env` when that file exists. The real environment
 * wins so a deployment can override a developer's file. This is the only place that reads process.env.
 */
export function readEnvironment(cwd = process.cwd()): Environment {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const prefixed = (prefix: string, what: string) =>
  optional(z.string().startsWith(prefix, `must start with ${prefix} (${what})`));

const url = (what: string) => z.url({ protocol: /^https?$/, error: `must be an http(s) URL (${what})` });

// prefault (not default) so the fallback goes through the schema's transforms like a real value.
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess(blankToUndefined, schema.prefault(fallback as never));

const wholeNumber = (min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `must be a whole number (${what})` })
    .int(`must be a whole number (${what})`)
    .min(min, `must be at least ${min} (${what})`)
    .max(max, `must be at most ${max} (${what})`);

/** "true"/"false", "1"/"0", "yes"/"no", "on"/"off": `Boolean("false")` is true, so never coerce. */
const envBoolean = (what: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(
      z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
        error: `must be true or false (${what})`,
      }),
    )
    .transform((v) => v === 'true' || v === '1' || v === 'yes' || v === 'on');

/**
 * Where relink is reached from outside, e.g. `https://relink.example.com` (a path prefix is kept): the
 * start of each workspace's webhook URL shown in Settings. Query and fragment have no place in it.
 */
const publicUrl = () =>
  url('the address relink is reached at from outside, e.g. https://relink.example.com')
    .refine((u) => !u.includes('?') && !u.includes('#'), {
      error: 'must be relink’s address alone, without ?query or #fragment, e.g. https://relink.example.com',
    })
    .transform((u) => u.replace(/\/+$/, ''));

const MAKE_A_KEY = 'make one with: openssl rand -base64 32';

/**
 * 32 bytes as 64 hex characters or as base64 (standard or URL-safe, padding optional), normalized to
 * hex. Node's base64 decoder skips characters it does not know, so the alphabet is checked first.
 */
export function decodeEncryptionKey(text: string): string | null {
  if (/^[0-9a-f]{64}$/i.test(text)) return text.toLowerCase();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : null;
}

const encryptionKey = () =>
  optional(
    z
      .string()
      .trim()
      .transform((text, ctx) => {
        const hex = decodeEncryptionKey(text);
        if (hex !== null) return hex;
        ctx.addIssue({
          code: 'custom',
          message: `must be 32 random bytes written as 64 hex characters or base64 (${MAKE_A_KEY})`,
        });
        return z.NEVER;
      }),
  );

const retentionDays = (what: string) => wholeNumber(0, 36_500, `days to keep ${what}; 0 keeps them forever`);

const dayList = z
  .string()
  .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'must be a comma-separated list of whole days, e.g. 30,7,1')
  .transform((v) =>
    [...new Set(v.split(',').map((d) => Number(d.trim())))].filter((d) => d > 0).sort((a, b) => b - a),
  );

const schema = z
  .object({
    NODE_ENV: withDefault(z.enum(['development', 'production', 'test']), 'development'),
    LOG_LEVEL: withDefault(
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      }),
      'info',
    ),
    LOG_PRETTY: optional(envBoolean('readable logs instead of JSON; defaults to true outside production')),
    PORT: withDefault(wholeNumber(0, 65535, 'the HTTP port relink listens on'), 3000),

    SLACK_BOT_TOKEN: prefixed('xoxb-', 'the Bot User OAuth Token from OAuth & Permissions'),
    SLACK_SIGNING_SECRET: optional(
      z.string().regex(/^[0-9a-f]{32}$/i, 'must be the 32-character Signing Secret from Basic Information'),
    ),
    SLACK_APP_TOKEN: prefixed('xapp-', 'an App-Level Token with connections:write, for Socket Mode'),
    SLACK_CLIENT_ID: optional(z.string().regex(/^\d+\.\d+$/, 'must look like 1234567890.1234567890')),
    SLACK_CLIENT_SECRET: optional(z.string().min(1)),
    SLACK_STATE_SECRET: optional(z.string().min(16, 'must be at least 16 random characters')),
    SLACK_ALERT_CHANNEL: optional(
      z.string().regex(/^[CG][A-Z0-9]{6,}$/, 'must be a channel id such as C0123456789, not a #name'),
    ),
    SLACK_API_URL: withDefault(url('the Slack Web API base URL'), 'https://slack.com/api/'),
    SLACK_APP_ID: optional(
      z.string().regex(/^A[A-Z0-9]+$/, 'must be the App ID from Basic Information, e.g. A0123ABC456'),
    ),

    MONGODB_URI: optional(
      z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://'),
    ),
    DATA_DIR: withDefault(z.string(), './.data'),

    SENDGRID_API_KEY: prefixed('SG.', 'a SendGrid API key with Mail Send permission'),
    SENDGRID_FROM_EMAIL: optional(z.email('must be an email address on a SendGrid-verified sender')),
    SENDGRID_FROM_NAME: withDefault(z.string().max(100, 'must be at most 100 characters'), 'relink'),
    SENDGRID_API_URL: withDefault(url('the SendGrid API base URL'), 'https://api.sendgrid.com'),
    SENDGRID_WEBHOOK_PUBLIC_KEY: optional(z.string().min(40, 'must be the base64 verification key')),
    SENDGRID_TEMPLATE_ID: optional(
      z.string().regex(/^d-[0-9a-f]{32}$/i, 'must be a dynamic template id d-…'),
    ),

    UTILITYAPI_TOKEN: optional(z.string().min(8, 'must be a UtilityAPI API token')),
    UTILITYAPI_URL: withDefault(url('the UtilityAPI base URL'), 'https://utilityapi.com/api/v2'),
    UTILITYAPI_DASHBOARD_URL: optional(
      url('one authorization in the UtilityAPI dashboard').refine((u) => u.includes('{uid}'), {
        message: 'must contain {uid}, where the authorization uid goes',
      }),
    ),
    UTILITYAPI_WEBHOOK_SECRET: optional(z.string().min(8, 'must be the webhook secret set in UtilityAPI')),
    WEBHOOK_SIGNING_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),

    REAUTH_COOLDOWN_HOURS: withDefault(
      wholeNumber(0, 24 * 30, 'hours between two requests to one customer'),
      24,
    ),
    EXPIRY_WARNING_DAYS: withDefault(dayList, '30,7,1'),
    // Without a public URL for webhooks, reconcile is how changes reach relink: within this interval.
    RECONCILE_INTERVAL_MINUTES: withDefault(
      wholeNumber(1, 24 * 60, 'minutes between two reconcile runs against UtilityAPI'),
      15,
    ),

    // Digests (README, "Digests"): more incidents than this waiting for one channel become one message.
    DIGEST_THRESHOLD: withDefault(
      wholeNumber(1, 10_000, 'incidents waiting for one channel before they go to one digest message'),
      10,
    ),
    DIGEST_WINDOW_SECONDS: withDefault(
      wholeNumber(1, 3_600, 'seconds a digest keeps taking new incidents after the last one joined'),
      10,
    ),

    // Retention (README, "Retention"): days each kind of record is kept; 0 keeps it forever.
    RETENTION_WEBHOOK_PAYLOAD_DAYS: withDefault(retentionDays('raw webhook payloads'), 30),
    RETENTION_INBOX_OUTCOME_DAYS: withDefault(retentionDays('what became of each processed event'), 7),
    RETENTION_PUBLISHED_OUTBOX_DAYS: withDefault(retentionDays('effects already shown in Slack'), 7),
    RETENTION_AUDIT_DAYS: withDefault(retentionDays('audit history'), 400),

    RELINK_ENCRYPTION_KEY: encryptionKey(),
    RELINK_ENCRYPTION_KEY_PREVIOUS: encryptionKey(),
    RELINK_PUBLIC_URL: optional(publicUrl()),
    // The setup page (GET /) answers only loopback callers unless opened (README, "Metrics and health").
    RELINK_SETUP_PAGE: withDefault(z.enum(['local', 'open']), 'local'),
  })
  .superRefine((env, ctx) => {
    const problem = (variable: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    const slackVariables = [
      env.SLACK_BOT_TOKEN,
      env.SLACK_SIGNING_SECRET,
      env.SLACK_APP_TOKEN,
      env.SLACK_CLIENT_ID,
      env.SLACK_CLIENT_SECRET,
      env.SLACK_STATE_SECRET,
    ];
    // No Slack variable at all is "setup mode", not an error: relink ingests and queues notices.
    if (slackVariables.some((v) => v !== undefined)) {
      const oauth = [env.SLACK_CLIENT_ID, env.SLACK_CLIENT_SECRET, env.SLACK_STATE_SECRET];
      if (oauth.some((v) => v !== undefined) && oauth.some((v) => v === undefined)) {
        for (const [name, value] of [
          ['SLACK_CLIENT_ID', env.SLACK_CLIENT_ID],
          ['SLACK_CLIENT_SECRET', env.SLACK_CLIENT_SECRET],
          ['SLACK_STATE_SECRET', env.SLACK_STATE_SECRET],
        ] as const) {
          if (value === undefined)
            problem(name, 'is required with the other SLACK_CLIENT_* variables (OAuth install)');
        }
      }
      if (!env.SLACK_BOT_TOKEN && !env.SLACK_CLIENT_ID) {
        problem(
          'SLACK_BOT_TOKEN',
          'is required (or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET for OAuth)',
        );
      }
      if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
        problem(
          'SLACK_SIGNING_SECRET',
          'set either SLACK_APP_TOKEN for Socket Mode or SLACK_SIGNING_SECRET for HTTP mode',
        );
      }
      if (env.SLACK_CLIENT_ID && !env.SLACK_SIGNING_SECRET) {
        problem(
          'SLACK_SIGNING_SECRET',
          'is required for OAuth installs (the install pages are served over HTTP)',
        );
      }
      // With OAuth each workspace chooses its channel in the App Home's Settings.
      if (!env.SLACK_ALERT_CHANNEL && !env.SLACK_CLIENT_ID) {
        problem('SLACK_ALERT_CHANNEL', 'is required: the channel id where notices are posted');
      }
    }
    encryptionProblems(env, problem);
    if (env.SENDGRID_API_KEY && !env.SENDGRID_FROM_EMAIL) {
      problem('SENDGRID_FROM_EMAIL', 'is required with SENDGRID_API_KEY: the verified sender address');
    }
  });

type ParsedEnvironment = z.output<typeof schema>;

/** The key encrypts every workspace's tokens, so OAuth cannot run without one. */
function encryptionProblems(
  env: Pick<
    ParsedEnvironment,
    'SLACK_CLIENT_ID' | 'RELINK_ENCRYPTION_KEY' | 'RELINK_ENCRYPTION_KEY_PREVIOUS'
  >,
  problem: (variable: string, message: string) => void,
): void {
  const key = env.RELINK_ENCRYPTION_KEY;
  const previous = env.RELINK_ENCRYPTION_KEY_PREVIOUS;
  if (env.SLACK_CLIENT_ID && !key) {
    problem(
      'RELINK_ENCRYPTION_KEY',
      `is required with SLACK_CLIENT_ID (OAuth install): it encrypts each workspace's tokens (${MAKE_A_KEY})`,
    );
  }
  if (previous && !key) {
    problem(
      'RELINK_ENCRYPTION_KEY_PREVIOUS',
      `is only read beside RELINK_ENCRYPTION_KEY: set the new key there (${MAKE_A_KEY})`,
    );
  }
  if (previous && key === previous) {
    problem(
      'RELINK_ENCRYPTION_KEY_PREVIOUS',
      `is the same key as RELINK_ENCRYPTION_KEY: to rotate, set a new key there (${MAKE_A_KEY})`,
    );
  }
}

const slackSection = (env: ParsedEnvironment) => {
  if (!env.SLACK_BOT_TOKEN && !env.SLACK_CLIENT_ID) return null;
  return {
    botToken: env.SLACK_BOT_TOKEN ?? null,
    signingSecret: env.SLACK_SIGNING_SECRET ?? null,
    appToken: env.SLACK_APP_TOKEN ?? null,
    socketMode: env.SLACK_APP_TOKEN !== undefined,
    oauth: env.SLACK_CLIENT_ID
      ? {
          clientId: env.SLACK_CLIENT_ID,
          clientSecret: env.SLACK_CLIENT_SECRET ?? '',
          stateSecret: env.SLACK_STATE_SECRET ?? '',
        }
      : null,
    alertChannel: env.SLACK_ALERT_CHANNEL ?? '',
    apiUrl: env.SLACK_API_URL,
    // For the notices' link to the App Home; without it they have none.
    ...(env.SLACK_APP_ID ? { appId: env.SLACK_APP_ID } : {}),
  };
};

const toConfig = (env: ParsedEnvironment) => ({
  env: env.NODE_ENV,
  log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY ?? env.NODE_ENV !== 'production' },
  http: { port: env.PORT, publicUrl: env.RELINK_PUBLIC_URL ?? null, setupPage: env.RELINK_SETUP_PAGE },
  database: { uri: env.MONGODB_URI ?? null, dataDir: env.DATA_DIR },
  slack: slackSection(env),
  sendgrid: env.SENDGRID_API_KEY
    ? {
        apiKey: env.SENDGRID_API_KEY,
        fromEmail: env.SENDGRID_FROM_EMAIL ?? '',
        fromName: env.SENDGRID_FROM_NAME,
        apiUrl: env.SENDGRID_API_URL,
        templateId: env.SENDGRID_TEMPLATE_ID ?? null,
        webhookPublicKey: env.SENDGRID_WEBHOOK_PUBLIC_KEY ?? null,
      }
    : null,
  utilityapi: {
    token: env.UTILITYAPI_TOKEN ?? null,
    url: env.UTILITYAPI_URL.replace(/\/+$/, ''),
    reconcileEveryMinutes: env.RECONCILE_INTERVAL_MINUTES,
    webhookSecret: env.UTILITYAPI_WEBHOOK_SECRET ?? null,
    /** Home rows link to the dashboard only with it (src/domain/dashboard-link.ts). */
    dashboardUrl: env.UTILITYAPI_DASHBOARD_URL ?? null,
  },
  webhooks: { signingSecret: env.WEBHOOK_SIGNING_SECRET ?? null },
  reauth: {
    cooldownHours: env.REAUTH_COOLDOWN_HOURS,
    /** The name relink's emails come from (the preview shows it too, with or without SendGrid). */
    senderName: env.SENDGRID_FROM_NAME,
  },
  expiry: { warningDays: env.EXPIRY_WARNING_DAYS },
  digest: { threshold: env.DIGEST_THRESHOLD, windowMs: env.DIGEST_WINDOW_SECONDS * 1000 },
  retention: {
    webhookPayloadDays: env.RETENTION_WEBHOOK_PAYLOAD_DAYS,
    inboxOutcomeDays: env.RETENTION_INBOX_OUTCOME_DAYS,
    publishedOutboxDays: env.RETENTION_PUBLISHED_OUTBOX_DAYS,
    auditDays: env.RETENTION_AUDIT_DAYS,
  },
  /** Keys as 64 hex characters (a frozen config cannot hold a Buffer); see src/store/secret-box.ts. */
  encryption: env.RELINK_ENCRYPTION_KEY
    ? { key: env.RELINK_ENCRYPTION_KEY, previousKey: env.RELINK_ENCRYPTION_KEY_PREVIOUS ?? null }
    : null,
});

export type Config = Readonly<ReturnType<typeof toConfig>>;

/** Thrown by {@link loadConfig}; `message` lists every problem, one line each, with how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      `relink cannot start: the environment has ${count}:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'See .env.example and the Configuration section of README.md.',
    );
  }
}

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

/** Validates the environment into a frozen {@link Config}, or throws one {@link ConfigError}. */
export function loadConfig(env: Environment): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      return `${variable} ${issue.message}`;
    });
    throw new ConfigError([...new Set(problems)]);
  }
  return deepFreeze(toConfig(result.data));
}
