import { randomBytes } from 'node:crypto';
import { type BlockKitProblem, validateMessage } from './block-kit-validator';
import type { PostedMessage, SlackArgs } from './slack-standin';
import {
  optionalString,
  SlackApiError,
  type SlackCaller,
  type SlackMethod,
  slackMessages,
} from './slack-standin-http';
import type { StandinState } from './slack-standin-state';

/*
 * The stand-in's message methods: auth.test, chat.postMessage / update / delete / postEphemeral and
 * conversations.info (users and memberships: slack-standin-people.ts). Source: https://docs.slack.dev/reference/methods
 */

type Json = Record<string, unknown>;

// Block problems come first, as invalid_blocks (or msg_blocks_too_long); text problems carry their own.
const slackErrorOf = (problems: BlockKitProblem[]): string => {
  if (problems.some((p) => p.error === 'msg_blocks_too_long')) return 'msg_blocks_too_long';
  if (problems.some((p) => p.error === undefined)) return 'invalid_blocks';
  return problems[0]?.error ?? 'invalid_blocks';
};

// Mirrors Slack, which fills in a block_id for blocks sent without one.
const withBlockIds = (blocks: Json[]): Json[] =>
  blocks.map((b) =>
    b.block_id === undefined ? { ...b, block_id: randomBytes(3).toString('base64url') } : b,
  );

/**
 * A message's text and blocks, refused as Slack would (and without fallback text, which Slack only
 * warns about). `keptText` is what chat.update keeps when the update leaves `text` out.
 */
function messageContent(args: SlackArgs, keptText?: string): { text?: string; blocks?: Json[] } {
  const text = optionalString(args, 'text');
  const blocks = args.blocks;
  if (blocks !== undefined && !Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
  // The text an update leaves out stays, and is the fallback for the update's blocks.
  const fallback = text ?? (Array.isArray(blocks) && blocks.length > 0 ? keptText : undefined);
  const problems = validateMessage({ text: fallback, blocks }).filter(
    // Legacy attachments carry their own fallback; relink sends none, but Slack accepts them alone.
    (p) => p.error !== 'no_text' || args.attachments === undefined,
  );
  if (problems.length > 0) throw new SlackApiError(slackErrorOf(problems), slackMessages(problems));
  return { text, blocks: blocks && withBlockIds(blocks as Json[]) };
}

export function messageMethods(state: StandinState): Record<string, SlackMethod> {
  // Every channel is looked up as the caller's workspace sees it: another workspace's is not found.
  const postable = (args: SlackArgs, caller: SlackCaller): string => {
    const channel = state.findChannel(args.channel, caller.teamId);
    if (channel.isMember === false) throw new SlackApiError('not_in_channel');
    return channel.id;
  };

  const messageJson = (m: PostedMessage) => ({
    type: 'message',
    subtype: 'bot_message',
    text: m.text ?? '',
    user: m.user,
    bot_id: m.botId,
    app_id: state.appId,
    team: m.teamId ?? state.teamId,
    ts: m.ts,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
  });

  return {
    'auth.test': () => ({
      url: `https://${state.teamDomain}.slack.com/`,
      team: 'relink test',
      user: 'relink',
      team_id: state.teamId,
      user_id: state.botUserId,
      bot_id: state.botId,
      is_enterprise_install: false,
    }),

    'chat.postMessage': (args, caller) => {
      const channel = postable(args, caller);
      const { text, blocks } = messageContent(args);
      const threadTs = optionalString(args, 'thread_ts');
      const messages = state.channelMessages(channel);
      if (threadTs !== undefined) {
        const parent = messages.get(threadTs);
        if (!parent) throw new SlackApiError('thread_not_found');
        // Replies must point at the thread's root, not at another reply.
        if (parent.threadTs !== undefined) throw new SlackApiError('invalid_thread_ts');
      }
      const message: PostedMessage = {
        channel,
        ts: state.nextTs(),
        text,
        blocks,
        threadTs,
        replies: [],
        user: caller.botUserId,
        botId: caller.botId,
        token: caller.token,
        teamId: caller.teamId,
        updates: 0,
        metadata: args.metadata,
      };
      messages.set(message.ts, message);
      if (threadTs !== undefined) messages.get(threadTs)?.replies.push(message.ts);
      return { channel, ts: message.ts, message: messageJson(message) };
    },

    'chat.update': (args, caller) => {
      const channel = state.findChannel(args.channel, caller.teamId).id;
      const ts = optionalString(args, 'ts');
      const message = ts === undefined ? undefined : state.messagesByChannel.get(channel)?.get(ts);
      if (!message) throw new SlackApiError('message_not_found');
      const { text, blocks } = messageContent(args, message.text);
      // Slack keeps what an update leaves out; an empty blocks array removes the blocks.
      if (text !== undefined) message.text = text;
      if (blocks !== undefined) message.blocks = blocks.length > 0 ? blocks : undefined;
      message.updates += 1;
      return { channel, ts: message.ts, text: message.text ?? '', message: messageJson(message) };
    },

    // As Slack answers: the message's URL in its workspace (a thread reply's carries thread_ts and cid).
    'chat.getPermalink': (args, caller) => {
      const channel = state.findChannel(args.channel, caller.teamId).id;
      const ts = optionalString(args, 'message_ts');
      const message = ts === undefined ? undefined : state.messagesByChannel.get(channel)?.get(ts);
      if (!message || ts === undefined) throw new SlackApiError('message_not_found');
      const base = `https://${state.teamDomain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
      const thread = message.threadTs ? `?thread_ts=${message.threadTs}&cid=${channel}` : '';
      return { channel, permalink: `${base}${thread}` };
    },

    // A bot token deletes only its own app's messages (cant_delete_message otherwise); a thread's
    // replies stay when their parent goes, as in Slack.
    'chat.delete': (args, caller) => {
      const channel = state.findChannel(args.channel, caller.teamId).id;
      const ts = optionalString(args, 'ts');
      const messages = state.messagesByChannel.get(channel);
      const message = ts === undefined ? undefined : messages?.get(ts);
      if (!message || ts === undefined) throw new SlackApiError('message_not_found');
      if (message.botId !== caller.botId) throw new SlackApiError('cant_delete_message');
      messages?.delete(ts);
      const parent = message.threadTs === undefined ? undefined : messages?.get(message.threadTs);
      if (parent) parent.replies = parent.replies.filter((reply) => reply !== ts);
      return { channel, ts };
    },

    'chat.postEphemeral': (args, caller) => {
      const channel = postable(args, caller);
      const user = state.findUser(args.user).id;
      const { text, blocks } = messageContent(args);
      const ts = state.nextTs();
      const threadTs = optionalString(args, 'thread_ts');
      state.ephemeralMessages.push({ channel, user, ts, text, blocks, threadTs, teamId: caller.teamId });
      return { message_ts: ts };
    },

    'conversations.info': (args, caller) => {
      const c = state.findChannel(args.channel, caller.teamId);
      const name = c.name ?? c.id.toLowerCase();
      return {
        channel: {
          id: c.id,
          name,
          is_channel: !c.isPrivate,
          is_group: false,
          is_im: c.id.startsWith('D'),
          is_private: c.isPrivate ?? false,
          is_archived: false,
          is_member: c.isMember ?? true,
        },
      };
    },
  };
}
