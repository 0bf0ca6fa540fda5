import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { ViewOutput } from '@slack/bolt';
import { closeNow, listenOnLoopback } from './loopback-server';
import { webApiHandler } from './slack-standin-http';
import { messageMethods } from './slack-standin-messages';
import { createStandinOAuth, type StandinOAuthApp, type StandinOAuthControl } from './slack-standin-oauth';
import { peopleMethods } from './slack-standin-people';
import { createStandinState } from './slack-standin-state';
import { viewMethods } from './slack-standin-views';

/*
 * A local Slack Web API for tests. relink's real WebClient (or Bolt's) talks to it over HTTP with
 * `slackApiUrl: standin.url + '/api/'`. It implements only the methods relink calls and is stricter
 * than Slack wherever Slack is lenient or undocumented, so anything it accepts Slack accepts too.
 * Block Kit is checked by block-kit-validator.ts; requests are read in slack-standin-http.ts, answered
 * by slack-standin-messages.ts, slack-standin-people.ts and slack-standin-views.ts, and remembered in slack-standin-state.ts.
 * Sources: https://docs.slack.dev/reference/methods, https://docs.slack.dev/reference/block-kit
 */

type Json = Record<string, unknown>;

export type SlackArgs = Record<string, unknown>;

/** One request as it reached the stand-in, with the answer it got. */
export interface RecordedCall {
  method: string;
  /**
   * Arguments as sent, minus `token`. Form bodies keep scalars as strings (the WebClient stringifies
   * them); the JSON-encoded fields `blocks`, `attachments`, `view` and `metadata` are parsed.
   */
  args: SlackArgs;
  transport: 'form' | 'json' | 'other';
  /** The token it was made with (Authorization header or form field), refused or not. */
  token?: string;
  /** The workspace of that token (the stand-in's own for the configured token), when the token is known. */
  teamId?: string;
  at: number;
  /** HTTP status; 0 when the stand-in dropped the connection. */
  status: number;
  ok: boolean;
  error?: string;
  response?: unknown;
}

export type SlackFailure =
  | { status: 429; retryAfterSeconds: number }
  /** Not a failure: the usual answer, `delayMs` late (Slack under load, a large page). */
  | { delayMs: number }
  | { status: 500 | 502 | 503 }
  | { error: string; messages?: string[] };

export interface StandinUser {
  id: string;
  name?: string;
  realName?: string;
  email?: string;
  tz?: string;
  isBot?: boolean;
  deleted?: boolean;
  /**
   * The person's own workspace; another team's id for someone in a Slack Connect channel. Default: the
   * workspace asking (the stand-in's own for its configured token).
   */
  teamId?: string;
  /** Multi-channel guest. */
  isRestricted?: boolean;
  /** Single-channel guest. */
  isUltraRestricted?: boolean;
  /** From another organisation (Slack sets it only then). */
  isStranger?: boolean;
  isAdmin?: boolean;
  isOwner?: boolean;
  isPrimaryOwner?: boolean;
}

export interface StandinChannel {
  id: string;
  name?: string;
  isPrivate?: boolean;
  /** The bot must be a member to post (relink has chat:write, not chat:write.public). Default true. */
  isMember?: boolean;
  /** User ids, as conversations.members pages through them. Default none. */
  members?: string[];
  /** The workspace it belongs to; other workspaces' tokens get channel_not_found. Default the stand-in's team. */
  teamId?: string;
}

/** A user group (`S…`), as usergroups.list and usergroups.users.list answer it. */
export interface StandinUsergroup {
  id: string;
  users: string[];
  /** Default: the id. */
  name?: string;
  /** The mention handle (`@billing`). Default: the name, lower-cased. */
  handle?: string;
  /** Disabled groups are listed only with include_disabled, and keep a `date_delete`. */
  disabled?: boolean;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text?: string;
  /** As stored by Slack: blocks sent without a block_id get one. */
  blocks?: Json[];
  threadTs?: string;
  /** ts of replies posted in this message's thread, oldest first. */
  replies: string[];
  user: string;
  botId: string;
  /** The bot token that posted it, and that token's workspace (always set on what the stand-in holds). */
  token?: string;
  teamId?: string;
  /** How many times chat.update changed it. */
  updates: number;
  metadata?: unknown;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  ts: string;
  text?: string;
  blocks?: Json[];
  threadTs?: string;
  /** The workspace of the token that posted it. */
  teamId: string;
}

export interface StoredView {
  /** The view as Slack returns it (and sends back in interaction payloads). */
  output: ViewOutput;
  userId: string;
  isOpen: boolean;
}

/** Who an interaction's trigger belongs to; `viewId` when it came from inside an open modal. */
export interface TriggerContext {
  userId?: string;
  viewId?: string;
}

export interface SlackStandinOptions {
  botToken: string;
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Clock in ms (trigger expiry, ts values). Default Date.now. */
  now?: () => number;
  /**
   * Known users / channels. When omitted, any well-formed id (`U…`/`W…`, `C…`/`G…`/`D…`) exists; when
   * given, only these (plus addUser/addChannel) do, and others answer user_not_found / channel_not_found.
   */
  users?: StandinUser[];
  channels?: StandinChannel[];
  usergroups?: StandinUsergroup[];
  /**
   * The bot token's scopes. When given, the methods that need a scope (users.info, conversations.members,
   * usergroups.list, usergroups.users.list) answer `missing_scope` without it, as Slack does; when omitted, scopes are not
   * modelled.
   */
  scopes?: readonly string[];
  /** The app's OAuth credentials: enables `GET /oauth/v2/authorize` and `oauth.v2.access`. */
  oauth?: StandinOAuthApp;
  /**
   * Slack's rate for chat.postMessage, about one message per second per channel: when set, a post
   * (thread replies included) arriving sooner than this after the channel's last accepted post is
   * answered 429 with Retry-After, as Slack does. Stricter than Slack, which allows short bursts.
   */
  channelPostIntervalMs?: number;
}

export interface SlackStandin {
  start(): Promise<{ url: string; apiUrl: string }>;
  stop(): Promise<void>;
  /** Base URL (`http://127.0.0.1:port`); the Web API lives under `/api/`. */
  readonly url: string;
  readonly calls: readonly RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** Calls answered 429 because a channel's posting rate was exceeded (see `channelPostIntervalMs`). */
  rateLimitedCalls(): RecordedCall[];
  /** A trigger_id as Slack puts in an interaction payload: usable once, within 3 s. */
  issueTriggerId(context?: TriggerContext): string;
  failNext(method: string, failure: SlackFailure, times?: number): void;
  /** While down every call gets 503, or with `'reset'` the connection is dropped unanswered. */
  setDown(down: boolean, how?: 'unavailable' | 'reset'): void;
  /** Current state of a channel's messages (after updates), keyed by ts in posting order. */
  messages(channel: string): ReadonlyMap<string, PostedMessage>;
  readonly ephemeralMessages: readonly EphemeralMessage[];
  readonly views: { byId: ReadonlyMap<string, StoredView>; homeByUser: ReadonlyMap<string, StoredView> };
  /** The user closed a view: it and anything pushed above it close. */
  closeView(viewId: string): void;
  addUser(user: StandinUser): void;
  addChannel(channel: StandinChannel): void;
  addUsergroup(usergroup: StandinUsergroup): void;
  /** OAuth installs: who approves them in the browser, the redirect URL, the tokens issued. */
  readonly oauth: StandinOAuthControl;
  /** Forget calls, messages, views, triggers and pending failures. */
  reset(): void;
}

export function createSlackStandin(options: SlackStandinOptions): SlackStandin {
  const state = createStandinState(options);
  const methods = { ...messageMethods(state), ...peopleMethods(state), ...viewMethods(state) };
  const oauth = createStandinOAuth(state, options.oauth);
  const handle = webApiHandler(state, methods, options.botToken, oauth);
  let server: Server | undefined;
  let baseUrl: string | undefined;

  return {
    async start() {
      if (server) throw new Error('slack stand-in already started');
      const s = createServer((req, res) => {
        // The authorize page is a browser page beside the Web API, as at slack.com/oauth/v2/authorize.
        if ((req.url ?? '').startsWith('/oauth/v2/authorize')) return oauth.authorize(req, res);
        handle(req, res).catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`slack stand-in failed: ${String(err)}`);
        });
      });
      server = s;
      baseUrl = await listenOnLoopback(s);
      return { url: baseUrl, apiUrl: `${baseUrl}/api/` };
    },
    async stop() {
      const s = server;
      server = undefined;
      await closeNow(s);
    },
    get url() {
      if (!baseUrl) throw new Error('slack stand-in not started');
      return baseUrl;
    },
    get calls() {
      return state.calls;
    },
    callsTo: (method) => state.calls.filter((c) => c.method === method),
    rateLimitedCalls: () => state.calls.filter((c) => c.status === 429 && c.error === 'ratelimited'),
    issueTriggerId(context = {}) {
      const now = state.now();
      const id = `${Math.floor(now / 1000)}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString('hex')}`;
      state.triggers.set(id, {
        issuedAt: now,
        used: false,
        userId: context.userId ?? 'U0TESTUSER1',
        viewId: context.viewId,
      });
      return id;
    },
    failNext(method, failure, times = 1) {
      const queue = state.failures.get(method) ?? [];
      queue.push({ failure, remaining: times });
      state.failures.set(method, queue);
    },
    setDown(isDown, how = 'unavailable') {
      state.down = isDown ? how : false;
    },
    messages: (channel) => state.messagesByChannel.get(channel) ?? new Map(),
    get ephemeralMessages() {
      return state.ephemeralMessages;
    },
    get views() {
      return { byId: state.viewsById, homeByUser: state.homeByUser };
    },
    closeView: (viewId) => state.closeView(viewId),
    addUser: (user) => {
      state.users.set(user.id, user);
    },
    addChannel: (channel) => {
      state.channels.set(channel.id, channel);
    },
    addUsergroup: (usergroup) => {
      state.usergroups.set(usergroup.id, usergroup);
    },
    oauth: oauth.control,
    reset: () => state.reset(),
  };
}
