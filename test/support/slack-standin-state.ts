import { randomBytes } from 'node:crypto';
import type {
  EphemeralMessage,
  PostedMessage,
  RecordedCall,
  SlackFailure,
  SlackStandinOptions,
  StandinChannel,
  StandinUser,
  StandinUsergroup,
  StoredView,
} from './slack-standin';
import { SlackApiError, type SlackCaller } from './slack-standin-http';

/*
 * What the Slack stand-in holds: the workspace it pretends to be (team, bot, users, channels) and what
 * happened to it (calls, messages, views, triggers, queued failures), with the lookups every method
 * shares. Replaced wholesale by `reset()`, so a test's reference to an old `calls` array stays intact.
 */

export type OrderedView = StoredView & { order: number };

export interface Trigger {
  issuedAt: number;
  used: boolean;
  userId: string;
  viewId?: string;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A Slack-looking id (`V…` for views). */
export const slackId = (prefix: string, length = 10): string =>
  prefix + [...randomBytes(length)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');

export function createStandinState(options: SlackStandinOptions) {
  const now = options.now ?? Date.now;
  const botUserId = options.botUserId ?? 'U0RELINKBOT';
  const usersAreListed = options.users !== undefined;
  const channelsAreListed = options.channels !== undefined;
  const users = new Map((options.users ?? []).map((u) => [u.id, u]));
  const channels = new Map((options.channels ?? []).map((c) => [c.id, c]));
  const usergroups = new Map<string, StandinUsergroup>((options.usergroups ?? []).map((g) => [g.id, g]));
  const scopes = options.scopes === undefined ? null : new Set(options.scopes);
  let lastTsMicros = 0;
  let viewOrder = 0;

  const state = {
    now,
    teamId: options.teamId ?? 'T0RELINK01',
    teamDomain: options.teamDomain ?? 'relink-test',
    botUserId,
    botId: options.botId ?? 'B0RELINKBOT',
    appId: options.appId ?? 'A0RELINKAPP',
    users,
    channels,
    usergroups,
    down: false as false | 'unavailable' | 'reset',
    calls: [] as RecordedCall[],
    failures: new Map<string, { failure: SlackFailure; remaining: number }[]>(),
    triggers: new Map<string, Trigger>(),
    messagesByChannel: new Map<string, Map<string, PostedMessage>>(),
    ephemeralMessages: [] as EphemeralMessage[],
    viewsById: new Map<string, OrderedView>(),
    homeByUser: new Map<string, OrderedView>(),
    /** Slack's per-channel posting rate, when modelled (see `channelPostIntervalMs`). */
    channelPostIntervalMs: options.channelPostIntervalMs ?? null,
    /** When each channel last accepted a chat.postMessage, for the per-channel rate. */
    lastPostAt: new Map<string, number>(),

    // Slack ts values are unique per channel and increase; keep them unique and increasing globally
    // even when a test freezes the clock.
    nextTs(): string {
      lastTsMicros = Math.max(now() * 1000, lastTsMicros + 1);
      return `${Math.floor(lastTsMicros / 1e6)}.${String(lastTsMicros % 1e6).padStart(6, '0')}`;
    },

    newHash: () => `${Math.floor(now() / 1000)}.${randomBytes(4).toString('hex')}`,

    findUser(id: unknown): StandinUser {
      if (typeof id !== 'string' || id === '') throw new SlackApiError('user_not_found');
      const known = users.get(id);
      if (known) return known;
      if (id === botUserId) return { id, name: 'relink', realName: 'relink', isBot: true };
      if (!usersAreListed && /^[UW][A-Z0-9]{2,}$/.test(id)) return { id };
      throw new SlackApiError('user_not_found');
    },

    /** The configured bot token's caller: the stand-in's own workspace and bot. */
    configuredCaller: (token: string): SlackCaller => ({
      token,
      teamId: state.teamId,
      botUserId: state.botUserId,
      botId: state.botId,
    }),

    /**
     * Channel names are refused although Slack resolves them: relink's config holds channel ids. With
     * `teamId` (the caller's workspace), another workspace's channel is `channel_not_found`, as Slack
     * answers a token that cannot see it. An unlisted id belongs to the first workspace that uses it.
     */
    findChannel(id: unknown, teamId?: string): StandinChannel {
      if (typeof id !== 'string' || id === '') throw new SlackApiError('channel_not_found');
      let channel = channels.get(id);
      if (!channel && !channelsAreListed && /^[CGD][A-Z0-9]{2,}$/.test(id)) {
        channel = { id, ...(teamId ? { teamId } : {}) };
        if (teamId) channels.set(id, channel);
      }
      if (!channel) throw new SlackApiError('channel_not_found');
      if (teamId && (channel.teamId ?? state.teamId) !== teamId) throw new SlackApiError('channel_not_found');
      return channel;
    },

    /** Answers `missing_scope` as Slack does unless the token has one of `anyOf` (when scopes are modelled). */
    requireScope(...anyOf: string[]): void {
      if (!scopes || anyOf.some((scope) => scopes.has(scope))) return;
      throw new SlackApiError('missing_scope', [], {
        needed: anyOf.join(','),
        provided: [...scopes].join(','),
      });
    },

    channelMessages(channel: string): Map<string, PostedMessage> {
      let map = state.messagesByChannel.get(channel);
      if (!map) {
        map = new Map();
        state.messagesByChannel.set(channel, map);
      }
      return map;
    },

    storeView(output: StoredView['output'], userId: string): OrderedView {
      const stored = { output, userId, isOpen: true, order: viewOrder++ };
      state.viewsById.set(output.id, stored);
      return stored;
    },

    /** The user closed a view: it and anything pushed above it close. */
    closeView(viewId: string): void {
      const target = state.viewsById.get(viewId);
      if (!target) return;
      const root = target.output.root_view_id ?? target.output.id;
      for (const v of state.viewsById.values()) {
        const sameStack = v.output.id === root || v.output.root_view_id === root;
        if (sameStack && v.order >= target.order) v.isOpen = false;
      }
    },

    takeFailure(method: string): SlackFailure | undefined {
      const queue = state.failures.get(method);
      const head = queue?.[0];
      if (!queue || !head) return undefined;
      head.remaining -= 1;
      if (head.remaining <= 0) queue.shift();
      return head.failure;
    },

    reset(): void {
      state.calls = [];
      state.failures = new Map();
      state.triggers = new Map();
      state.messagesByChannel = new Map();
      state.ephemeralMessages = [];
      state.viewsById = new Map();
      state.homeByUser = new Map();
      state.lastPostAt = new Map();
    },
  };
  return state;
}

export type StandinState = ReturnType<typeof createStandinState>;
