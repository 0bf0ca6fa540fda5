import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import type { WorkspaceDirectory } from '../workspaces/directory';
import { boltLogger } from './bolt-logger';
import { countedWebClient, type PublisherClientOptions, type PublisherMetrics } from './counted-client';

export interface WorkspaceSlack {
  client: WebClient;
  /** Null until the workspace chose one: new notices wait for it. */
  channel: string | null;
}

/**
 * The publisher's Web API client: no retries and no 429 queueing of its own. The publisher owns
 * waiting and retrying, and a client retrying on its own would hold a pass for minutes.
 */
export const publisherClient = (token: string, options: PublisherClientOptions) =>
  countedWebClient(options.metrics, token, {
    slackApiUrl: options.slackApiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 10_000,
    logger: boltLogger(options.log),
  });

/**
 * Each workspace's Slack as the notice publisher needs it: a client with that workspace's bot token
 * (one per token, reused) and its alert channel. Null once the workspace uninstalled relink.
 */
export function workspaceSlack(deps: {
  directory: Pick<WorkspaceDirectory, 'botToken' | 'settings'>;
  slackApiUrl: string;
  log: Logger;
  /** Counts the publisher's Slack calls: notices posted and updated, failures by method and error. */
  metrics?: PublisherMetrics;
}): (workspaceId: string) => Promise<WorkspaceSlack | null> {
  const clients = new Map<string, WebClient>();
  return async (workspaceId) => {
    const token = await deps.directory.botToken(workspaceId);
    if (!token) return null;
    let client = clients.get(token);
    if (!client) {
      client = publisherClient(token, {
        slackApiUrl: deps.slackApiUrl,
        log: deps.log,
        metrics: deps.metrics,
      });
      clients.set(token, client);
    }
    return { client, channel: (await deps.directory.settings(workspaceId)).alertChannel };
  };
}
