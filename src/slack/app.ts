import {
  App,
  type AuthorizeResult,
  type CodedError,
  type Context,
  type InstallationStore,
  SocketModeReceiver,
  type StateStore,
} from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Config } from '../config';
import { RelinkError } from '../domain/errors';
import type { Route } from '../http/server';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics/metrics';
import { timeAcks } from './ack-timer';
import { boltLogger, safeError } from './bolt-logger';
import { httpTransport, socketModeReceiver } from './receivers';

export type { InstallationStore } from '@slack/bolt';

export type SlackConfig = NonNullable<Config['slack']>;

export interface SlackAppOptions {
  config: SlackConfig;
  log: Logger;
  /**
   * The bot's ids and its workspace's team, when known, so start() can skip auth.test (tests). Without
   * `teamId` start() still asks auth.test: the team is what requests are checked against.
   */
  botId?: string;
  botUserId?: string;
  teamId?: string;
  /** Required when `config.oauth` is set: keeps each workspace's installation (its bot token). */
  installationStore?: InstallationStore;
  /** Required when `config.oauth` is set: issues and checks the install's one-time `state`. */
  stateStore?: StateStore;
  /** Ack latency of every interaction goes here (src/metrics/metrics.ts). */
  metrics?: Pick<Metrics, 'observeAck'>;
}

export interface SlackApp {
  /** Register listeners on it before start(). `app.client` carries the bot token (single workspace). */
  app: App;
  /** HTTP mode: `POST /slack/events` (+ install pages with OAuth). Socket Mode: none. */
  routes: Route[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Socket Mode: whether the socket is up now; HTTP mode: `configured` (Slack calls in, nothing to hold). */
  status(): 'connected' | 'disconnected' | 'configured';
  /** Single workspace: the bot token's team, once start() asked Slack; null before and with OAuth. */
  teamId(): string | null;
}

/**
 * Builds relink's Bolt app without starting a server of Bolt's own: in HTTP mode the returned routes
 * are served by relink's HTTP server beside the webhooks and /healthz; in Socket Mode start() connects.
 */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config } = options;
  const log = options.log.child({ component: 'slack' });
  const logger = boltLogger(options.log);
  // Bolt adds its logger to this object, so it must not be part of the frozen Config.
  const clientOptions = { slackApiUrl: config.apiUrl };
  const bot = config.oauth ? null : singleWorkspaceBot(config, options);
  if (config.oauth && config.botToken) {
    log.warn('SLACK_BOT_TOKEN is ignored: with OAuth each workspace has its own token');
  }

  const { receiver, routes } = config.appToken
    ? { receiver: socketModeReceiver(config, config.appToken, logger, clientOptions), routes: [] }
    : httpTransport(config, options, logger, clientOptions);
  const app = new App({
    receiver,
    logger,
    logLevel: logger.getLevel(),
    clientOptions,
    ...(bot ? { authorize: bot.authorize } : {}),
    // Bolt's conversation store is an in-memory cache relink never reads.
    convoStore: false,
    extendedErrorHandler: true,
  });
  // With `authorize` (see singleWorkspaceBot) Bolt builds app.client without a token; start() calls
  // auth.test through it, so it gets the bot token here. Notices are posted by the publisher's own
  // WebClient (built in src/main.ts), never through app.client.
  if (bot) app.client = new WebClient(bot.token, app.webClientOptions);

  app.error(async ({ error, body, context }: { error: CodedError; body: unknown; context: Context }) => {
    const { teamId, userId } = context;
    log.error(
      {
        err: safeError(error.original ?? error),
        code: error.code,
        request: requestKind(body),
        teamId,
        userId,
      },
      'slack request failed',
    );
    // Rethrown only so the receiver answers Slack now instead of after the 3 s ack timeout; the
    // receiver's handlers below answer without logging, so this stays the one log line.
    throw error;
  });

  if (options.metrics) timeAcks(app, options.metrics);
  // Socket Mode reconnects by itself after a drop; readiness (/readyz) follows the socket, not start().
  let socketUp = false;
  if (receiver instanceof SocketModeReceiver) {
    receiver.client.on('connected', () => {
      socketUp = true;
    });
    for (const down of ['disconnected', 'reconnecting']) {
      receiver.client.on(down, () => {
        socketUp = false;
      });
    }
  }

  let connected = false;
  return {
    app,
    routes,
    async start() {
      await bot?.identify(app.client, log);
      if (config.appToken && !connected) {
        await app.start();
        connected = true;
        log.info('connected to Slack over Socket Mode');
      }
    },
    status: () => (config.appToken ? (socketUp ? 'connected' : 'disconnected') : 'configured'),
    teamId: () => bot?.teamId() ?? null,
    async stop() {
      if (!connected) return;
      connected = false;
      await app.stop();
    },
  };
}

interface BotIdentity {
  botId: string;
  botUserId: string;
  /** The one team this token is installed in; requests from any other team are refused. */
  teamId: string;
}

/**
 * Single-workspace authorization. Given `token` without ids, Bolt runs auth.test in its constructor
 * (an unhandled rejection when Slack is unreachable) and cannot hand back the result; through
 * `authorize` the identity is resolved once, in start(), logged, and reused for every request.
 * A request from any team but the token's own has no installation: it is refused here, before any
 * listener (or the access guard) reads data for it.
 */
function singleWorkspaceBot(
  config: SlackConfig,
  known: { botId?: string; botUserId?: string; teamId?: string },
) {
  const token = config.botToken;
  if (!token) {
    throw new RelinkError(
      'slack_misconfigured',
      'SLACK_BOT_TOKEN is required without OAuth (SLACK_CLIENT_ID)',
    );
  }
  let identity: BotIdentity | null =
    known.botId && known.botUserId && known.teamId
      ? { botId: known.botId, botUserId: known.botUserId, teamId: known.teamId }
      : null;
  return {
    token,
    teamId: () => identity?.teamId ?? null,
    authorize: async (source: { teamId?: string }): Promise<AuthorizeResult> => {
      if (!identity) throw new Error('the Slack app is not started yet (bot identity unknown)');
      // Bolt turns this into an AuthorizationError: the receiver answers 401 and no listener runs.
      if (source.teamId !== identity.teamId) throw new Error('no installation for the team of this request');
      return { botToken: token, ...identity };
    },
    async identify(client: WebClient, log: Logger): Promise<void> {
      if (identity) return;
      const result = await client.auth.test().catch((err: unknown) => {
        const why = `Slack refused SLACK_BOT_TOKEN (auth.test): ${safeError(err).message}`;
        throw new RelinkError('slack_auth_failed', why, { cause: err });
      });
      if (!result.bot_id || !result.user_id || !result.team_id) {
        throw new RelinkError(
          'slack_auth_failed',
          'SLACK_BOT_TOKEN is not a workspace bot token (auth.test has no bot_id or team_id; ' +
            'org-wide Enterprise Grid tokens are not supported)',
        );
      }
      identity = { botId: result.bot_id, botUserId: result.user_id, teamId: result.team_id };
      log.info({ ...identity, botName: result.user }, 'connected to Slack as bot user');
    },
  };
}

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;

/** What kind of request failed, without its content: bodies carry customer names and emails. */
function requestKind(body: unknown): string {
  const actions = field(body, 'actions');
  const parts = [
    field(body, 'command'),
    field(body, 'type'),
    field(field(body, 'event'), 'type'),
    field(field(body, 'view'), 'callback_id'),
    Array.isArray(actions) ? field(actions[0], 'action_id') : undefined,
  ];
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
}
