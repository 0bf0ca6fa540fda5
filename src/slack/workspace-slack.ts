import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import type { WorkspaceDirectory } from '../workspaces/directory';
import { publisherClient, type WorkspaceSlack } from './notice-publisher';

/**
 * Each workspace's Slack as the notice publisher needs it: a client with that workspace's bot token
 * (one per token, reused) and its alert channel. Null once the workspace uninstalled relink.
 */
export function workspaceSlack(deps: {
  directory: Pick<WorkspaceDirectory, 'botToken' | 'settings'>;
  slackApiUrl: string;
  log: Logger;
}): (workspaceId: string) => Promise<WorkspaceSlack | null> {
  const clients = new Map<string, WebClient>();
  return async (workspaceId) => {
    const token = await deps.directory.botToken(workspaceId);
    if (!token) return null;
    let client = clients.get(token);
    if (!client) {
      client = publisherClient(token, { slackApiUrl: deps.slackApiUrl, log: deps.log });
      clients.set(token, client);
    }
    return { client, channel: (await deps.directory.settings(workspaceId)).alertChannel };
  };
}
