import type { Logger as BoltLogger } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { createTtlCache, type TtlCache } from './ttl-cache';

/**
 * What Slack says about people, for "who may act": users.info (Tier 4, cached 5 minutes), a channel's
 * members (conversations.members, paged, cached 1 minute) and a user group's members
 * (usergroups.users.list, cached 1 minute). Every interaction asks, so answers are cached per
 * workspace; each call is made with the interaction's own client's token (that workspace's).
 */

/** users.info's facts about a person; null when Slack does not know them here. */
export interface SlackPerson {
  teamId: string | null;
  isStranger: boolean;
  isRestricted: boolean;
  isUltraRestricted: boolean;
  isDeleted: boolean;
  isBot: boolean;
  /** `is_admin`, `is_owner` or `is_primary_owner`: who may change relink's Settings (with the installer). */
  isAdmin: boolean;
}

export interface SlackPeople {
  person(client: WebClient, teamId: string, userId: string): Promise<SlackPerson | null>;
  channelMembers(client: WebClient, teamId: string, channelId: string): Promise<ReadonlySet<string>>;
  usergroupMembers(client: WebClient, teamId: string, usergroupId: string): Promise<ReadonlySet<string>>;
}

export interface SlackPeopleOptions {
  /** For the lookups' own Web API clients (boltLogger), which otherwise log to the console. */
  logger?: BoltLogger;
  now?: () => number;
  personTtlMs?: number;
  membersTtlMs?: number;
}

const PERSON_TTL_MS = 5 * 60_000;
const MEMBERS_TTL_MS = 60_000;
// Slack recommends pages of at most 200 (docs.slack.dev/apis/web-api/pagination).
const MEMBERS_PAGE_SIZE = 200;
// A lookup nobody waits for any more still fills the cache if it answers within this.
const LOOKUP_HTTP_TIMEOUT_MS = 10_000;

const UserSchema = z.object({
  team_id: z.string().nullish(),
  is_stranger: z.boolean().nullish(),
  is_restricted: z.boolean().nullish(),
  is_ultra_restricted: z.boolean().nullish(),
  deleted: z.boolean().nullish(),
  is_bot: z.boolean().nullish(),
  is_admin: z.boolean().nullish(),
  is_owner: z.boolean().nullish(),
  is_primary_owner: z.boolean().nullish(),
});
const UsersInfoSchema = z.object({ user: UserSchema });
const MembersPageSchema = z.object({
  members: z.array(z.string()),
  response_metadata: z.object({ next_cursor: z.string().nullish() }).nullish(),
});
const UsergroupUsersSchema = z.object({ users: z.array(z.string()) });

/** Slack's `error` of a refused Web API call (WebAPIPlatformError), or undefined for anything else. */
export const slackErrorOf = (err: unknown): string | undefined => {
  const data =
    typeof err === 'object' && err !== null ? (err as { data?: { error?: unknown } }).data : undefined;
  return typeof data?.error === 'string' ? data.error : undefined;
};

async function fetchPerson(client: WebClient, userId: string): Promise<SlackPerson | null> {
  try {
    const { user } = UsersInfoSchema.parse(await client.users.info({ user: userId }));
    return {
      teamId: user.team_id ?? null,
      isStranger: user.is_stranger === true,
      isRestricted: user.is_restricted === true,
      isUltraRestricted: user.is_ultra_restricted === true,
      isDeleted: user.deleted === true,
      isBot: user.is_bot === true,
      isAdmin: user.is_admin === true || user.is_owner === true || user.is_primary_owner === true,
    };
  } catch (err) {
    if (slackErrorOf(err) === 'user_not_found') return null;
    throw err;
  }
}

async function fetchChannelMembers(client: WebClient, channel: string): Promise<ReadonlySet<string>> {
  const members = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = MembersPageSchema.parse(
      await client.conversations.members({
        channel,
        limit: MEMBERS_PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      }),
    );
    for (const id of page.members) members.add(id);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return members;
}

async function fetchUsergroupMembers(client: WebClient, usergroup: string): Promise<ReadonlySet<string>> {
  return new Set(UsergroupUsersSchema.parse(await client.usergroups.users.list({ usergroup })).users);
}

/**
 * Lookups shared by concurrent interactions and kept while fresh. A lookup outlives a caller who stops
 * waiting (resolveAccess's deadline), so a slow answer, such as a large channel's pages, still serves the
 * next interaction; one still unanswered when its entry goes stale is not waited on again.
 */
export function createSlackPeople(options: SlackPeopleOptions = {}): SlackPeople {
  const now = options.now ?? Date.now;
  const people: TtlCache<SlackPerson | null> = createTtlCache({
    ttlMs: options.personTtlMs ?? PERSON_TTL_MS,
    maxEntries: 20_000,
    now,
  });
  const groups: TtlCache<ReadonlySet<string>> = createTtlCache({
    ttlMs: options.membersTtlMs ?? MEMBERS_TTL_MS,
    maxEntries: 500,
    now,
  });
  const clients = lookupClients(options.logger);
  // Keys lead with the team: the same user, channel or group id never answers for another workspace.
  return {
    person: (client, teamId, userId) =>
      people.get(`${teamId}/${userId}`, () => fetchPerson(clients.for(client), userId)),
    channelMembers: (client, teamId, channelId) =>
      groups.get(`${teamId}/channel/${channelId}`, () => fetchChannelMembers(clients.for(client), channelId)),
    usergroupMembers: (client, teamId, usergroupId) =>
      groups.get(`${teamId}/usergroup/${usergroupId}`, () =>
        fetchUsergroupMembers(clients.for(client), usergroupId),
      ),
  };
}

/**
 * Each workspace's lookups go through a client of their own, built from the interaction's client (its
 * token and API URL): Bolt's client waits out a 429 by pausing every call it makes, which would hold up
 * the listener's views.open behind a users.info. These fail fast on a rate limit instead, and retry
 * nothing: a failed lookup refuses with "try again" and is not cached.
 */
function lookupClients(logger: BoltLogger | undefined) {
  const byToken = new Map<string, WebClient>();
  return {
    for(client: WebClient): WebClient {
      const key = `${client.slackApiUrl} ${client.token ?? ''}`;
      let lookup = byToken.get(key);
      if (!lookup) {
        lookup = new WebClient(client.token, {
          slackApiUrl: client.slackApiUrl,
          retryConfig: { retries: 0 },
          rejectRateLimitedCalls: true,
          timeout: LOOKUP_HTTP_TIMEOUT_MS,
          ...(logger ? { logger } : {}),
        });
        byToken.set(key, lookup);
        // One per installation; a token replaced on reinstall leaves an entry behind, so keep it bounded.
        for (const oldest of byToken.keys()) {
          if (byToken.size <= 1_000) break;
          byToken.delete(oldest);
        }
      }
      return lookup;
    },
  };
}
