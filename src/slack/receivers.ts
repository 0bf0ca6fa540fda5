import type { RequestListener } from 'node:http';
import {
  type Logger as BoltLogger,
  ErrorCode,
  HTTPReceiver,
  type InstallationStore,
  SocketModeReceiver,
} from '@slack/bolt';
import { RelinkError } from '../domain/errors';
import type { Route } from '../http/server';
import type { SlackConfig } from './app';
import { SLACK_CONTRACT } from './manifest-contract';

/** Where Slack reaches relink in HTTP mode; the production manifest's URLs point here. */
export const SlackPath = {
  events: '/slack/events',
  install: '/slack/install',
  oauthRedirect: '/slack/oauth_redirect',
} as const;

/** Bolt's HTTPReceiver, never started: relink's server hands it the requests of `routes`. */
export function httpTransport(
  config: SlackConfig,
  installationStore: InstallationStore | undefined,
  logger: BoltLogger,
  clientOptions: { slackApiUrl: string },
): { receiver: HTTPReceiver; routes: Route[] } {
  if (!config.signingSecret) {
    throw new RelinkError('slack_misconfigured', 'HTTP mode needs SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN)');
  }
  const { oauth } = config;
  if (oauth && !installationStore) {
    throw new RelinkError(
      'slack_misconfigured',
      'Slack OAuth is configured (SLACK_CLIENT_ID) but createSlackApp got no installationStore: ' +
        'installations must be kept in the database, so pass one',
    );
  }
  const receiver = new HTTPReceiver({
    signingSecret: config.signingSecret,
    endpoints: SlackPath.events,
    logger,
    logLevel: logger.getLevel(),
    // The HTTP answer goes out as soon as a listener acks; slow work happens after it (trigger_ids and
    // Slack's 3 s deadline), so holding the response until the listener returns would only add risk.
    processBeforeResponse: false,
    processEventErrorHandler: async ({ error, response }) => {
      if (response.headersSent) return false;
      response.writeHead(isAuthorizationError(error) ? 401 : 500);
      response.end();
      return true;
    },
    ...(oauth && installationStore
      ? {
          clientId: oauth.clientId,
          clientSecret: oauth.clientSecret,
          stateSecret: oauth.stateSecret,
          installationStore,
          scopes: [...SLACK_CONTRACT.scopes],
          installerOptions: {
            installPath: SlackPath.install,
            redirectUriPath: SlackPath.oauthRedirect,
            clientOptions,
          },
        }
      : {}),
  });
  const handler = throughReceiver(receiver.requestListener);
  const routes: Route[] = [{ method: 'POST', path: SlackPath.events, handler }];
  if (receiver.installer) {
    routes.push({ method: 'GET', path: SlackPath.install, handler });
    routes.push({ method: 'GET', path: SlackPath.oauthRedirect, handler });
  }
  return { receiver, routes };
}

export function socketModeReceiver(
  config: SlackConfig,
  appToken: string,
  logger: BoltLogger,
  clientOptions: { slackApiUrl: string },
): SocketModeReceiver {
  if (config.oauth) {
    // Bolt would serve the install pages from a second HTTP server of its own.
    throw new RelinkError(
      'slack_misconfigured',
      'OAuth installs need HTTP mode: unset SLACK_APP_TOKEN, or unset SLACK_CLIENT_ID for a single workspace',
    );
  }
  return new SocketModeReceiver({
    appToken,
    logger,
    logLevel: logger.getLevel(),
    // apps.connections.open goes through this client, so it must honour SLACK_API_URL too.
    installerOptions: { clientOptions },
    // Returning true tells Slack not to redeliver; only a missing installation is worth that.
    processEventErrorHandler: async ({ error }) => isAuthorizationError(error),
  });
}

export const isAuthorizationError = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  error.code === ErrorCode.AuthorizationError;

/** Bolt answers from a detached promise; resolving on 'close' keeps the route's lifetime honest. */
const throughReceiver =
  (listener: RequestListener): Route['handler'] =>
  (req, res) =>
    new Promise<void>((resolve, reject) => {
      res.once('close', () => resolve());
      try {
        listener(req, res);
      } catch (err) {
        reject(err);
      }
    });
