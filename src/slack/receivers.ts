import type { RequestListener } from 'node:http';
import {
  type Logger as BoltLogger,
  type BufferedIncomingMessage,
  ErrorCode,
  HTTPReceiver,
  SocketModeReceiver,
} from '@slack/bolt';
import { RelinkError } from '../domain/errors';
import { ONE_MIB, readRawBody } from '../http/body';
import type { Route } from '../http/server';
import type { SlackConfig } from './app';
import { type InstallStores, installOptions } from './install-options';

/** Where Slack reaches relink in HTTP mode; the production manifest's URLs point here. */
export const SlackPath = {
  events: '/slack/events',
  install: '/slack/install',
  oauthRedirect: '/slack/oauth_redirect',
} as const;

/** Bolt's HTTPReceiver, never started: relink's server hands it the requests of `routes`. */
export function httpTransport(
  config: SlackConfig,
  installStores: Partial<InstallStores>,
  logger: BoltLogger,
  clientOptions: { slackApiUrl: string },
): { receiver: HTTPReceiver; routes: Route[] } {
  if (!config.signingSecret) {
    throw new RelinkError('slack_misconfigured', 'HTTP mode needs SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN)');
  }
  const { oauth } = config;
  const { installationStore, stateStore } = installStores;
  if (oauth && (!installationStore || !stateStore)) {
    throw new RelinkError(
      'slack_misconfigured',
      'Slack OAuth is configured (SLACK_CLIENT_ID) but createSlackApp got no installationStore and ' +
        'stateStore: installations and used install links must be kept in the database, so pass both',
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
    // Only a fallback: the events route reads the body itself (readBodyFirst) and Bolt takes it as read.
    bodyLimit: ONE_MIB,
    ...(oauth && installationStore && stateStore
      ? installOptions({
          oauth,
          stores: { installationStore, stateStore },
          paths: { install: SlackPath.install, redirect: SlackPath.oauthRedirect },
          logger,
          clientOptions,
        })
      : {}),
  });
  const handler = throughReceiver(receiver.requestListener);
  const routes: Route[] = [{ method: 'POST', path: SlackPath.events, handler: readBodyFirst(handler) }];
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

/**
 * Reads the body before Bolt does, as the webhooks do: past 1 MiB (a declared `content-length`, or a
 * chunked body once it gets there) the answer is 413 and nothing more is read. Bolt would buffer up to
 * its 4 MB default before checking the signature, and Slack's own payloads stay far below 1 MiB. Bolt
 * takes a request that carries `rawBody` as already read (a BufferedIncomingMessage).
 */
const readBodyFirst =
  (handler: Route['handler']): Route['handler'] =>
  async (req, res) => {
    const rawBody = await readRawBody(req, ONE_MIB);
    const buffered: BufferedIncomingMessage = Object.assign(req, { rawBody });
    await handler(buffered, res);
  };

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
