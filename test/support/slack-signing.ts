import { createHmac } from 'node:crypto';
import type {
  BlockButtonAction,
  SlashCommand,
  ViewOutput,
  ViewStateValue,
  ViewSubmitAction,
} from '@slack/bolt';
import type { PostedMessage } from './slack-standin';

/*
 * Builds and signs requests the way Slack sends them to relink's `POST /slack/events`:
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 * Interaction payloads are built from what the Slack stand-in actually holds (a posted message or an
 * open view), so a test can only click buttons and submit inputs that exist.
 */

/** Headers Slack adds: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed by the signing secret. */
export function signSlackRequest(input: {
  signingSecret: string;
  body: string;
  /** Unix seconds; default now. */
  timestamp?: number;
}): Record<string, string> {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const digest = createHmac('sha256', input.signingSecret)
    .update(`v0:${timestamp}:${input.body}`)
    .digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestamp) };
}

/** The user and workspace an interaction comes from. */
export interface SlackActor {
  userId: string;
  userName?: string;
  teamId: string;
  teamDomain?: string;
  apiAppId?: string;
}

// Slack still sends the deprecated verification token; relink must not rely on it.
const VERIFICATION_TOKEN = 'deprecated-verification-token';
const DEFAULT_APP_ID = 'A0RELINKAPP';

const actionTs = () => (Date.now() / 1000).toFixed(6);
const userName = (actor: SlackActor) => actor.userName ?? actor.userId.toLowerCase();
const team = (actor: SlackActor) => ({ id: actor.teamId, domain: actor.teamDomain ?? 'relink-test' });

/** `payload=<url-encoded JSON>`: how Slack posts block_actions and view_submission. */
export const interactiveBody = (payload: object): string =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** A slash command as Slack posts it: form-encoded fields, no JSON. */
export function slashCommandBody(input: {
  actor: SlackActor;
  command: string;
  text?: string;
  channelId: string;
  channelName?: string;
  triggerId: string;
  responseUrl?: string;
}): string {
  const { actor } = input;
  const fields: SlashCommand = {
    token: VERIFICATION_TOKEN,
    team_id: actor.teamId,
    team_domain: team(actor).domain,
    channel_id: input.channelId,
    channel_name: input.channelName ?? 'alerts',
    user_id: actor.userId,
    user_name: userName(actor),
    command: input.command,
    text: input.text ?? '',
    api_app_id: actor.apiAppId ?? DEFAULT_APP_ID,
    is_enterprise_install: 'false',
    response_url: input.responseUrl ?? `https://hooks.slack.com/commands/${actor.teamId}/1/response`,
    trigger_id: input.triggerId,
  };
  return new URLSearchParams(fields as Record<string, string>).toString();
}

interface FoundButton {
  blockId: string;
  text: string;
  value?: string;
  url?: string;
}

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function findButton(blocks: readonly unknown[], actionId: string): FoundButton | undefined {
  for (const raw of blocks) {
    const block = asRecord(raw);
    if (!block) continue;
    const candidates = [block.accessory, ...(Array.isArray(block.elements) ? block.elements : [])];
    for (const c of candidates) {
      const el = asRecord(c);
      if (el?.type !== 'button' || el.action_id !== actionId) continue;
      return {
        blockId: String(block.block_id),
        text: String(asRecord(el.text)?.text ?? ''),
        value: typeof el.value === 'string' ? el.value : undefined,
        url: typeof el.url === 'string' ? el.url : undefined,
      };
    }
  }
  return undefined;
}

/** Where a clicked button lives: a message the stand-in holds, or an open view. */
export type ButtonSource = { message: PostedMessage } | { view: ViewOutput };

/** Slack gives no response_url for clicks inside views. */
export type BlockButtonPayload = Omit<BlockButtonAction, 'response_url'> & { response_url?: string };

/**
 * A block_actions payload for clicking the button `actionId` in `source`; throws if no such button
 * exists, since Slack could never send that click.
 */
export function blockActionsPayload(input: {
  actor: SlackActor;
  triggerId: string;
  actionId: string;
  source: ButtonSource;
}): BlockButtonPayload {
  const { actor, source } = input;
  const blocks = 'message' in source ? (source.message.blocks ?? []) : source.view.blocks;
  const button = findButton(blocks, input.actionId);
  if (!button) throw new Error(`no button with action_id "${input.actionId}" in the given message or view`);
  const common = {
    type: 'block_actions' as const,
    user: { id: actor.userId, username: userName(actor), name: userName(actor), team_id: actor.teamId },
    api_app_id: actor.apiAppId ?? DEFAULT_APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: input.triggerId,
    team: team(actor),
    is_enterprise_install: false,
    actions: [
      {
        type: 'button' as const,
        action_id: input.actionId,
        block_id: button.blockId,
        text: { type: 'plain_text' as const, text: button.text, emoji: true },
        ...(button.value !== undefined ? { value: button.value } : {}),
        ...(button.url !== undefined ? { url: button.url } : {}),
        action_ts: actionTs(),
      },
    ],
  };
  if ('view' in source) {
    return {
      ...common,
      container: { type: 'view', view_id: source.view.id },
      view: source.view,
      state: { values: source.view.state.values },
    };
  }
  const { message } = source;
  return {
    ...common,
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    channel: { id: message.channel, name: 'alerts' },
    message: {
      type: 'message',
      ts: message.ts,
      text: message.text ?? '',
      user: message.user,
      bot_id: message.botId,
      blocks: message.blocks ?? [],
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    },
    state: { values: {} },
    response_url: `https://hooks.slack.com/actions/${actor.teamId}/1/response`,
  };
}

/** State value of a text-like input as Slack reports it on submission. */
export const textInputValue = (
  value: string,
  type: 'plain_text_input' | 'email_text_input' | 'url_text_input' = 'plain_text_input',
): ViewStateValue => ({ type, value });

/** A state value holds something: text, or a select's, radio's or checkbox's choice. */
const isFilled = (v: ViewStateValue): boolean =>
  Object.entries(v).some(
    ([key, x]) =>
      key !== 'type' && x !== null && x !== undefined && x !== '' && !(Array.isArray(x) && x.length === 0),
  );

/**
 * A view_submission payload for `view` (as the stand-in holds it) with the user's input `values`
 * (block_id → action_id → value). Throws when a value names no input in the view or a required input
 * is left empty: Slack's client would not submit that.
 */
export function viewSubmissionPayload(input: {
  actor: SlackActor;
  triggerId: string;
  view: ViewOutput;
  values: Record<string, Record<string, ViewStateValue>>;
}): ViewSubmitAction {
  const { actor, view, values } = input;
  const inputs = new Map<string, { actionId: string; optional: boolean }>();
  for (const raw of view.blocks) {
    const block = asRecord(raw);
    const element = asRecord(block?.element);
    if (block?.type === 'input' && typeof block.block_id === 'string' && element) {
      inputs.set(block.block_id, { actionId: String(element.action_id), optional: block.optional === true });
    }
  }
  for (const [blockId, byAction] of Object.entries(values)) {
    for (const actionId of Object.keys(byAction)) {
      if (inputs.get(blockId)?.actionId !== actionId) {
        throw new Error(`the view has no input ${blockId}/${actionId}`);
      }
    }
  }
  for (const [blockId, { actionId, optional }] of inputs) {
    const v = values[blockId]?.[actionId];
    if (!optional && (v === undefined || !isFilled(v))) {
      throw new Error(`required input ${blockId}/${actionId} has no value`);
    }
  }
  return {
    type: 'view_submission',
    team: team(actor),
    user: { id: actor.userId, name: userName(actor), team_id: actor.teamId },
    api_app_id: actor.apiAppId ?? DEFAULT_APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: input.triggerId,
    view: { ...view, state: { values } },
    response_urls: [],
    is_enterprise_install: false,
  };
}

/** What relink's endpoint answered. `json` is set when the body parses as JSON. */
export interface SlackEndpointResponse {
  status: number;
  text: string;
  json?: unknown;
}

/** POSTs `body` to relink's Slack endpoint signed with `signingSecret`, like Slack does. */
export async function postToSlackEndpoint(
  url: string,
  body: string,
  signingSecret: string,
  contentType: 'application/x-www-form-urlencoded' | 'application/json' = 'application/x-www-form-urlencoded',
  extraHeaders: Record<string, string> = {},
): Promise<SlackEndpointResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...signSlackRequest({ signingSecret, body }), ...extraHeaders },
    body,
  });
  const text = await response.text();
  try {
    return { status: response.status, text, json: JSON.parse(text) };
  } catch {
    return { status: response.status, text };
  }
}
