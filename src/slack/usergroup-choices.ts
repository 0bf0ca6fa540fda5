import type { Logger as BoltLogger } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { UsergroupChoice } from '../../blocks/settings-view';
import type { Logger } from '../logger';
import { slackErrorOf } from './access/slack-people';

const UsergroupsListSchema = z.object({
  usergroups: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string(),
      handle: z.string().nullish(),
      // Slack sets it when a group is disabled; disabled groups are only listed with include_disabled.
      date_delete: z.number().nullish(),
    }),
  ),
});

// The Settings modal waits for this before views.open, within the trigger_id's 3 s.
const LIST_TIMEOUT_MS = 1_500;

/**
 * The workspace's user groups for the Settings modal's list (usergroups.list, scope usergroups:read,
 * Tier 2), or null when Slack cannot list them: a free plan has no user groups
 * (`plan_upgrade_required`), a scope may be missing, Slack may be slow. The modal then asks for the
 * group's id instead, so Settings always opens.
 */
export async function usergroupChoices(
  client: WebClient,
  options: { log: Logger; logger?: BoltLogger; timeoutMs?: number },
): Promise<UsergroupChoice[] | null> {
  // A client of its own: Bolt's would wait out a 429 and retry, past the trigger_id's life.
  const lister = new WebClient(client.token, {
    slackApiUrl: client.slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? LIST_TIMEOUT_MS,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    const { usergroups } = UsergroupsListSchema.parse(await lister.usergroups.list({}));
    return usergroups
      .filter((g) => !g.date_delete)
      .map((g) => ({ id: g.id, name: g.name.trim() || g.id, handle: g.handle?.trim() || null }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    options.log.warn(
      { slackError: slackErrorOf(err), error: err instanceof Error ? err.name : typeof err },
      'user groups not listed; Settings asks for a group id',
    );
    return null;
  }
}
