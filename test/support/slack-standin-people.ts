import type { SlackArgs } from './slack-standin';
import { optionalString, SlackApiError, type SlackMethod } from './slack-standin-http';
import type { StandinState } from './slack-standin-state';

/*
 * The stand-in's methods about people: users.info (with the flags that say who is a guest, a stranger,
 * an admin), conversations.members (paged), usergroups.list and usergroups.users.list, each needing its
 * scope when the stand-in models scopes. Sources: https://docs.slack.dev/reference/methods/users.info,
 * https://docs.slack.dev/reference/methods/conversations.members,
 * https://docs.slack.dev/reference/methods/usergroups.list,
 * https://docs.slack.dev/reference/methods/usergroups.users.list, https://docs.slack.dev/apis/web-api/pagination
 */

// Slack's documented bounds for `limit` (the SDK: "an integer with a max value of 999", default 100).
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 999;

const cursorOf = (offset: number): string => Buffer.from(`members:${offset}`).toString('base64');

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const match = /^members:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match) throw new SlackApiError('invalid_cursor');
  return Number(match[1]);
}

function limitOf(args: SlackArgs): number {
  const raw = args.limit;
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = Number(raw);
  // Stricter than Slack, which quietly clamps some values: relink should send a sane limit.
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new SlackApiError('invalid_limit');
  return limit;
}

export function peopleMethods(state: StandinState): Record<string, SlackMethod> {
  return {
    'users.info': (args, caller) => {
      state.requireScope('users:read');
      const u = state.findUser(args.user);
      const name = u.name ?? u.id.toLowerCase();
      return {
        user: {
          id: u.id,
          team_id: u.teamId ?? caller.teamId,
          name,
          real_name: u.realName ?? name,
          deleted: u.deleted ?? false,
          is_bot: u.isBot ?? false,
          is_admin: u.isAdmin ?? false,
          is_owner: u.isOwner ?? false,
          is_primary_owner: u.isPrimaryOwner ?? false,
          is_restricted: u.isRestricted ?? false,
          is_ultra_restricted: u.isUltraRestricted ?? false,
          is_app_user: false,
          // Slack sends is_stranger only for people from another organisation.
          ...(u.isStranger ? { is_stranger: true } : {}),
          tz: u.tz ?? 'America/Los_Angeles',
          profile: {
            real_name: u.realName ?? name,
            display_name: name,
            ...(u.email ? { email: u.email } : {}),
          },
        },
      };
    },

    'conversations.members': (args, caller) => {
      const channel = state.findChannel(args.channel, caller.teamId);
      if (channel.isPrivate) state.requireScope('groups:read');
      else if (channel.id.startsWith('D')) state.requireScope('im:read');
      else state.requireScope('channels:read');
      // A private channel the bot is not in does not exist, as far as the bot can tell.
      if (channel.isPrivate && channel.isMember === false) throw new SlackApiError('channel_not_found');
      const limit = limitOf(args);
      const offset = offsetOf(optionalString(args, 'cursor'));
      const members = channel.members ?? [];
      const next = offset + limit < members.length ? cursorOf(offset + limit) : '';
      return { members: members.slice(offset, offset + limit), response_metadata: { next_cursor: next } };
    },

    // Slack lists groups "in no particular order"; free plans answer plan_upgrade_required (failNext).
    'usergroups.list': (args) => {
      state.requireScope('usergroups:read');
      const flag = (key: string) => {
        const v = args[key];
        if (v === undefined) return false;
        // Stricter than Slack, which reads more spellings: relink sends booleans, which the WebClient
        // writes as "true"/"false" in a form body.
        if (v !== 'true' && v !== 'false' && typeof v !== 'boolean') {
          throw new SlackApiError('invalid_arguments', [`[ERROR] ${key} must be a boolean`]);
        }
        return v === true || v === 'true';
      };
      const withDisabled = flag('include_disabled');
      const withCount = flag('include_count');
      const withUsers = flag('include_users');
      const groups = [...state.usergroups.values()].filter((g) => withDisabled || !g.disabled);
      return {
        usergroups: groups.map((g) => {
          const name = g.name ?? g.id;
          return {
            id: g.id,
            team_id: state.teamId,
            is_usergroup: true,
            name,
            description: '',
            handle: g.handle ?? name.toLowerCase().replace(/\s+/g, '-'),
            is_external: false,
            date_create: 1_700_000_000,
            date_update: 1_700_000_000,
            date_delete: g.disabled ? 1_700_000_100 : 0,
            ...(withCount ? { user_count: g.users.length } : {}),
            ...(withUsers ? { users: [...g.users] } : {}),
          };
        }),
      };
    },

    'usergroups.users.list': (args) => {
      state.requireScope('usergroups:read');
      const id = optionalString(args, 'usergroup');
      const group = id === undefined ? undefined : state.usergroups.get(id);
      if (!group) throw new SlackApiError('no_such_subteam');
      return { users: [...group.users] };
    },
  };
}
