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
    UTILITYAPI_WEBHOOK_SECRET: optional(z.string().min(8, 'must be the webhook secret set in UtilityAPI')),
    WEBHOOK_SIGNING_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),

    REAUTH_COOLDOWN_HOURS: withDefault(
      wholeNumber(0, 24 * 30, 'hours between two requests to one customer'),
      24,
    ),
    EXPIRY_WARNING_DAYS: withDefault(dayList, '30,7,1'),
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
      if (!env.SLACK_ALERT_CHANNEL) {
        problem('SLACK_ALERT_CHANNEL', 'is required: the channel id where notices are posted');
      }
    }
    if (env.SENDGRID_API_KEY && !env.SENDGRID_FROM_EMAIL) {
      problem('SENDGRID_FROM_EMAIL', 'is required with SENDGRID_API_KEY: the verified sender address');
    }
  });

type ParsedEnvironment = z.output<typeof schema>;

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
  };
};

const toConfig = (env: ParsedEnvironment) => ({
  env: env.NODE_ENV,
  log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY ?? env.NODE_ENV !== 'production' },
  http: { port: env.PORT },
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
    webhookSecret: env.UTILITYAPI_WEBHOOK_SECRET ?? null,
  },
  webhooks: { signingSecret: env.WEBHOOK_SIGNING_SECRET ?? null },
  reauth: { cooldownHours: env.REAUTH_COOLDOWN_HOURS },
  expiry: { warningDays: env.EXPIRY_WARNING_DAYS },
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
