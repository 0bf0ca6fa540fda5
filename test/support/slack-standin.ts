import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { ViewOutput } from '@slack/bolt';
import type { Block, KnownBlock } from '@slack/types';
import { closeNow, listenOnLoopback } from './loopback-server';

/*
 * A local Slack Web API for tests. relink's real WebClient (or Bolt's) talks to it over HTTP with
 * `slackApiUrl: standin.url + '/api/'`. It implements only the methods relink calls and is stricter
 * than Slack wherever Slack is lenient or undocumented, so anything it accepts Slack accepts too.
 * Sources: https://docs.slack.dev/reference/methods, https://docs.slack.dev/reference/block-kit
 */

// ---------------------------------------------------------------------------------------------
// Block Kit validator
// ---------------------------------------------------------------------------------------------

/** One thing wrong with a Block Kit payload, located by a JSON pointer into the method's arguments. */
export interface BlockKitProblem {
  /** e.g. `/blocks/0/text/text` for a message, `/view/title/text` for a view. */
  path: string;
  message: string;
  /** Set when Slack answers with a different error than the surface's usual one. */
  error?: 'msg_blocks_too_long';
}

type Json = Record<string, unknown>;
type Surface = 'message' | 'modal' | 'home';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Documented Block Kit limits (characters unless noted). */
export const BlockKitLimits = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  /*
   * Slack also caps the summed text of a message's blocks (`msg_blocks_too_long`) without documenting
   * the number; staff quote ~12,000 and 11,341 has been seen rejected, 9,597 accepted
   * (slackapi/bolt-js#2509, #2867). Stay below every observation.
   */
  messageBlocksTotalText: 9000,
  messageText: 40_000,
  viewBytes: 250_000,
} as const;

// Space-separated lists keep these tables readable at a glance.
const words = (list: string): readonly string[] => list.split(' ');

const SELECTS = 'static_select users_select conversations_select channels_select';
const ACTIONS_ELEMENTS = words(`button ${SELECTS} overflow datepicker checkboxes radio_buttons`);
const ACCESSORY_ELEMENTS = [...ACTIONS_ELEMENTS, 'image'];
const INPUT_ELEMENTS = words(
  `plain_text_input email_text_input url_text_input number_input ${SELECTS} datepicker checkboxes radio_buttons`,
);

const TEXT_INPUT = 'action_id placeholder initial_value dispatch_action_config focus_on_load';
const SELECT = 'action_id placeholder confirm focus_on_load';
const ELEMENT_FIELDS: Record<string, readonly string[]> = {
  button: words('text action_id url value style confirm accessibility_label'),
  image: words('image_url alt_text slack_file'),
  plain_text_input: words(`${TEXT_INPUT} multiline min_length max_length`),
  email_text_input: words(TEXT_INPUT),
  url_text_input: words(TEXT_INPUT),
  number_input: words(`${TEXT_INPUT} is_decimal_allowed min_value max_value`),
  static_select: words(`${SELECT} options option_groups initial_option`),
  users_select: words(`${SELECT} initial_user`),
  conversations_select: words(
    `${SELECT} initial_conversation default_to_current_conversation response_url_enabled filter`,
  ),
  channels_select: words(`${SELECT} initial_channel response_url_enabled`),
  overflow: words('action_id options confirm'),
  datepicker: words(`${SELECT} initial_date`),
  checkboxes: words('action_id options initial_options confirm focus_on_load'),
  radio_buttons: words('action_id options initial_option confirm focus_on_load'),
};

const BLOCK_FIELDS: Record<string, readonly string[]> = {
  section: words('text fields accessory expand'),
  header: ['text'],
  divider: [],
  context: ['elements'],
  actions: ['elements'],
  image: words('image_url slack_file alt_text title'),
  input: words('label element hint optional dispatch_action'),
  rich_text: ['elements'],
};
// Input blocks only where relink collects data; Slack's newer message inputs are not needed here.
const COMMON_BLOCKS = 'section header divider context actions image rich_text';
const SURFACE_BLOCKS: Record<Surface, readonly string[]> = {
  message: words(COMMON_BLOCKS),
  modal: words(`${COMMON_BLOCKS} input`),
  home: words(`${COMMON_BLOCKS} input`),
};

interface TextRule {
  label: string;
  max: number;
  plainOnly?: boolean;
  required?: boolean;
}

class BlockKitChecker {
  readonly problems: BlockKitProblem[] = [];
  private readonly blockIds = new Set<string>();
  private readonly actionIds = new Set<string>();

  constructor(private readonly surface: Surface) {}

  problem(path: string, message: string, error?: BlockKitProblem['error']): void {
    this.problems.push(error ? { path, message, error } : { path, message });
  }

  fields(obj: Json, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (key !== 'type' && !allowed.includes(key)) this.problem(`${path}/${key}`, `unknown field "${key}"`);
    }
  }

  string(value: unknown, path: string, label: string, max: number, required = false): value is string {
    if (value === undefined) {
      if (required) this.problem(path, `${label} is required`);
      return false;
    }
    if (typeof value !== 'string' || value.length === 0) {
      this.problem(path, `${label} must be a non-empty string`);
      return false;
    }
    if (value.length > max) {
      this.problem(path, `${label} must be at most ${max} characters (got ${value.length})`);
      return false;
    }
    return true;
  }

  boolean(value: unknown, path: string, label: string): void {
    if (value !== undefined && typeof value !== 'boolean') this.problem(path, `${label} must be a boolean`);
  }

  text(value: unknown, path: string, rule: TextRule): void {
    if (value === undefined) {
      if (rule.required) this.problem(path, `${rule.label} is required`);
      return;
    }
    if (!isObject(value)) {
      this.problem(path, `${rule.label} must be a text object`);
      return;
    }
    this.fields(value, path, ['text', 'emoji', 'verbatim']);
    if (value.type === 'plain_text') {
      if (value.verbatim !== undefined) this.problem(`${path}/verbatim`, 'verbatim is only for mrkdwn');
      this.boolean(value.emoji, `${path}/emoji`, 'emoji');
    } else if (value.type === 'mrkdwn' && !rule.plainOnly) {
      if (value.emoji !== undefined) this.problem(`${path}/emoji`, 'emoji is only for plain_text');
      this.boolean(value.verbatim, `${path}/verbatim`, 'verbatim');
    } else {
      this.problem(
        `${path}/type`,
        `${rule.label} must be ${rule.plainOnly ? 'plain_text' : 'plain_text or mrkdwn'}`,
      );
    }
    this.string(value.text, `${path}/text`, rule.label, rule.max, true);
  }

  blockId(block: Json, path: string): void {
    const id = block.block_id;
    if (!this.string(id, `${path}/block_id`, 'block_id', BlockKitLimits.blockId)) return;
    if (this.blockIds.has(id)) this.problem(`${path}/block_id`, `block_id "${id}" is used more than once`);
    this.blockIds.add(id);
  }

  // Slack requires uniqueness only within a block; relink's ids module makes them unique per surface,
  // so anything else is a bug worth failing on.
  actionId(element: Json, path: string): void {
    const id = element.action_id;
    if (!this.string(id, `${path}/action_id`, 'action_id', BlockKitLimits.actionId, true)) return;
    if (this.actionIds.has(id)) {
      this.problem(`${path}/action_id`, `action_id "${id}" is used more than once in this ${this.surface}`);
    }
    this.actionIds.add(id);
  }

  blocks(value: unknown, path: string, max: number): void {
    if (!Array.isArray(value)) {
      this.problem(path, 'blocks must be an array');
      return;
    }
    if (value.length > max) {
      this.problem(path, `a ${this.surface} may hold at most ${max} blocks (got ${value.length})`);
    }
    value.forEach((block, i) => {
      this.block(block, `${path}/${i}`);
    });
  }

  block(block: unknown, path: string): void {
    if (!isObject(block)) {
      this.problem(path, 'a block must be an object');
      return;
    }
    const type = block.type;
    if (typeof type !== 'string' || !SURFACE_BLOCKS[this.surface].includes(type)) {
      this.problem(`${path}/type`, `block type "${String(type)}" is not supported in a ${this.surface}`);
      return;
    }
    this.fields(block, path, ['block_id', ...(BLOCK_FIELDS[type] ?? [])]);
    this.blockId(block, path);
    if (type === 'section') this.section(block, path);
    else if (type === 'header') {
      const rule = { label: 'header text', max: BlockKitLimits.headerText, plainOnly: true, required: true };
      this.text(block.text, `${path}/text`, rule);
    } else if (type === 'context') {
      this.list(block.elements, `${path}/elements`, 'context elements', 10, (el, p) => {
        if (isObject(el) && el.type === 'image') this.element(el, p, ['image']);
        else this.text(el, p, { label: 'context text', max: BlockKitLimits.sectionText, required: true });
      });
    } else if (type === 'actions') {
      this.list(block.elements, `${path}/elements`, 'actions elements', 25, (el, p) => {
        this.element(el, p, ACTIONS_ELEMENTS);
      });
    } else if (type === 'image') this.image(block, path);
    else if (type === 'input') this.input(block, path);
    else if (type === 'rich_text' && (!Array.isArray(block.elements) || block.elements.length === 0)) {
      this.problem(`${path}/elements`, 'rich_text needs a non-empty elements array');
    }
  }

  section(block: Json, path: string): void {
    if (block.text === undefined && block.fields === undefined) {
      this.problem(path, 'a section needs text or fields');
    }
    this.text(block.text, `${path}/text`, { label: 'section text', max: BlockKitLimits.sectionText });
    if (block.fields !== undefined) {
      this.list(block.fields, `${path}/fields`, 'section fields', BlockKitLimits.sectionFields, (f, p) => {
        this.text(f, p, { label: 'section field', max: BlockKitLimits.sectionFieldText, required: true });
      });
    }
    if (block.accessory !== undefined) this.element(block.accessory, `${path}/accessory`, ACCESSORY_ELEMENTS);
    this.boolean(block.expand, `${path}/expand`, 'expand');
  }

  image(block: Json, path: string): void {
    if (block.image_url === undefined && block.slack_file === undefined) {
      this.problem(path, 'an image needs image_url or slack_file');
    }
    this.string(block.image_url, `${path}/image_url`, 'image_url', BlockKitLimits.url);
    this.string(block.alt_text, `${path}/alt_text`, 'alt_text', 2000, true);
    this.text(block.title, `${path}/title`, { label: 'image title', max: 2000, plainOnly: true });
  }

  input(block: Json, path: string): void {
    this.text(block.label, `${path}/label`, {
      label: 'input label',
      max: BlockKitLimits.inputLabel,
      plainOnly: true,
      required: true,
    });
    this.text(block.hint, `${path}/hint`, {
      label: 'input hint',
      max: BlockKitLimits.inputHint,
      plainOnly: true,
    });
    this.boolean(block.optional, `${path}/optional`, 'optional');
    this.boolean(block.dispatch_action, `${path}/dispatch_action`, 'dispatch_action');
    if (block.element === undefined) {
      this.problem(`${path}/element`, 'an input block needs an element');
      return;
    }
    this.element(block.element, `${path}/element`, INPUT_ELEMENTS);
  }

  list(
    value: unknown,
    path: string,
    label: string,
    max: number,
    each: (item: unknown, path: string) => void,
  ): void {
    if (!Array.isArray(value) || value.length === 0) {
      this.problem(path, `${label} must be a non-empty array`);
      return;
    }
    if (value.length > max)
      this.problem(path, `${label} may hold at most ${max} items (got ${value.length})`);
    value.forEach((item, i) => {
      each(item, `${path}/${i}`);
    });
  }

  element(el: unknown, path: string, allowed: readonly string[]): void {
    if (!isObject(el)) {
      this.problem(path, 'an element must be an object');
      return;
    }
    const type = el.type;
    if (typeof type !== 'string' || !allowed.includes(type)) {
      this.problem(`${path}/type`, `element type "${String(type)}" is not allowed here`);
      return;
    }
    this.fields(el, path, ELEMENT_FIELDS[type] ?? []);
    if (type === 'image') {
      this.string(
        el.image_url,
        `${path}/image_url`,
        'image_url',
        BlockKitLimits.url,
        el.slack_file === undefined,
      );
      this.string(el.alt_text, `${path}/alt_text`, 'alt_text', 2000, true);
      return;
    }
    this.actionId(el, path);
    this.text(el.placeholder, `${path}/placeholder`, {
      label: 'placeholder',
      max: BlockKitLimits.placeholder,
      plainOnly: true,
    });
    if (el.confirm !== undefined) this.confirm(el.confirm, `${path}/confirm`);
    if (type === 'button') this.button(el, path);
    else if (type === 'plain_text_input') this.textInput(el, path);
    else if (type === 'static_select') this.staticSelect(el, path);
    else if (type === 'overflow') this.options(el.options, `${path}/options`, 5, false);
    else if (type === 'radio_buttons' || type === 'checkboxes') {
      const values = this.options(el.options, `${path}/options`, 10, true);
      const initial = type === 'radio_buttons' ? [el.initial_option] : el.initial_options;
      this.initialOptions(initial, values, path);
    } else if (type === 'datepicker' && el.initial_date !== undefined) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(String(el.initial_date))) {
        this.problem(`${path}/initial_date`, 'initial_date must be YYYY-MM-DD');
      }
    }
  }

  button(el: Json, path: string): void {
    this.text(el.text, `${path}/text`, {
      label: 'button text',
      max: BlockKitLimits.buttonText,
      plainOnly: true,
      required: true,
    });
    this.string(el.value, `${path}/value`, 'button value', BlockKitLimits.buttonValue);
    this.string(el.url, `${path}/url`, 'button url', BlockKitLimits.url);
    this.string(el.accessibility_label, `${path}/accessibility_label`, 'accessibility_label', 75);
    if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
      this.problem(`${path}/style`, 'style must be primary or danger');
    }
  }

  textInput(el: Json, path: string): void {
    const bound = (key: 'min_length' | 'max_length', min: number) => {
      const v = el[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 3000)) {
        this.problem(`${path}/${key}`, `${key} must be an integer from ${min} to 3000`);
      }
    };
    bound('min_length', 0);
    bound('max_length', 1);
    this.boolean(el.multiline, `${path}/multiline`, 'multiline');
    if (el.initial_value !== undefined) {
      const max = typeof el.max_length === 'number' ? el.max_length : 3000;
      if (typeof el.initial_value !== 'string' || el.initial_value.length > max) {
        this.problem(`${path}/initial_value`, `initial_value must be a string of at most ${max} characters`);
      }
    }
  }

  staticSelect(el: Json, path: string): void {
    if ((el.options === undefined) === (el.option_groups === undefined)) {
      this.problem(path, 'a static_select needs exactly one of options or option_groups');
      return;
    }
    let values: string[] = [];
    if (el.options !== undefined) values = this.options(el.options, `${path}/options`, 100, false);
    if (el.option_groups !== undefined) {
      this.list(el.option_groups, `${path}/option_groups`, 'option_groups', 100, (group, p) => {
        if (!isObject(group)) {
          this.problem(p, 'an option group must be an object');
          return;
        }
        this.fields(group, p, ['label', 'options']);
        this.text(group.label, `${p}/label`, {
          label: 'option group label',
          max: 75,
          plainOnly: true,
          required: true,
        });
        values.push(...this.options(group.options, `${p}/options`, 100, false));
      });
    }
    this.initialOptions(el.initial_option === undefined ? undefined : [el.initial_option], values, path);
  }

  options(value: unknown, path: string, max: number, allowMrkdwn: boolean): string[] {
    const values: string[] = [];
    this.list(value, path, 'options', max, (option, p) => {
      if (!isObject(option)) {
        this.problem(p, 'an option must be an object');
        return;
      }
      this.fields(option, p, ['text', 'value', 'description', 'url']);
      this.text(option.text, `${p}/text`, {
        label: 'option text',
        max: BlockKitLimits.optionText,
        plainOnly: !allowMrkdwn,
        required: true,
      });
      this.text(option.description, `${p}/description`, {
        label: 'option description',
        max: 75,
        plainOnly: !allowMrkdwn,
      });
      if (this.string(option.value, `${p}/value`, 'option value', BlockKitLimits.optionValue, true)) {
        values.push(option.value);
      }
      this.string(option.url, `${p}/url`, 'option url', BlockKitLimits.url);
    });
    return values;
  }

  // Slack rejects an initial option that is not one of the options.
  initialOptions(initial: unknown, values: readonly string[], path: string): void {
    if (initial === undefined) return;
    const list = Array.isArray(initial) ? initial : [initial];
    for (const option of list) {
      if (option === undefined) continue;
      if (!isObject(option) || typeof option.value !== 'string' || !values.includes(option.value)) {
        this.problem(`${path}/initial_option`, 'an initial option must be one of the options');
      }
    }
  }

  confirm(value: unknown, path: string): void {
    if (!isObject(value)) {
      this.problem(path, 'confirm must be an object');
      return;
    }
    this.fields(value, path, ['title', 'text', 'confirm', 'deny', 'style']);
    this.text(value.title, `${path}/title`, {
      label: 'confirm title',
      max: 100,
      plainOnly: true,
      required: true,
    });
    this.text(value.text, `${path}/text`, { label: 'confirm text', max: 300, required: true });
    this.text(value.confirm, `${path}/confirm`, {
      label: 'confirm button',
      max: 30,
      plainOnly: true,
      required: true,
    });
    this.text(value.deny, `${path}/deny`, { label: 'deny button', max: 30, plainOnly: true, required: true });
    if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
      this.problem(`${path}/style`, 'style must be primary or danger');
    }
  }
}

/** Sum of every `text` string in a block tree: what Slack's undocumented cumulative limit counts. */
const totalText = (value: unknown): number => {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + totalText(v), 0);
  if (!isObject(value)) return 0;
  return Object.entries(value).reduce(
    (n, [key, v]) => n + (key === 'text' && typeof v === 'string' ? v.length : totalText(v)),
    0,
  );
};

/** Problems Slack would report (as `invalid_blocks`) for a message's `blocks`; empty when valid. */
export function validateMessageBlocks(blocks: unknown): BlockKitProblem[] {
  const checker = new BlockKitChecker('message');
  checker.blocks(blocks, '/blocks', BlockKitLimits.messageBlocks);
  const total = totalText(blocks);
  if (total > BlockKitLimits.messageBlocksTotalText) {
    checker.problem(
      '/blocks',
      `the blocks' text adds up to ${total} characters; keep it under ${BlockKitLimits.messageBlocksTotalText}`,
      'msg_blocks_too_long',
    );
  }
  return checker.problems;
}

const VIEW_FIELDS: Record<'modal' | 'home', readonly string[]> = {
  modal: [
    'title',
    'blocks',
    'close',
    'submit',
    'private_metadata',
    'callback_id',
    'clear_on_close',
    'notify_on_close',
    'external_id',
    'submit_disabled',
  ],
  home: ['blocks', 'private_metadata', 'callback_id', 'external_id'],
};

/** Problems Slack would report (as `invalid_arguments`) for a modal or Home `view`; empty when valid. */
export function validateView(view: unknown): BlockKitProblem[] {
  if (!isObject(view)) return [{ path: '/view', message: 'view must be an object' }];
  if (view.type !== 'modal' && view.type !== 'home') {
    return [{ path: '/view/type', message: 'view type must be modal or home' }];
  }
  const checker = new BlockKitChecker(view.type);
  checker.fields(view, '/view', VIEW_FIELDS[view.type]);
  if (view.type === 'modal') {
    const rule = { max: BlockKitLimits.viewButton, plainOnly: true };
    checker.text(view.title, '/view/title', {
      label: 'modal title',
      max: BlockKitLimits.viewTitle,
      plainOnly: true,
      required: true,
    });
    checker.text(view.close, '/view/close', { label: 'close button', ...rule });
    checker.text(view.submit, '/view/submit', { label: 'submit button', ...rule });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) {
      checker.problem('/view/submit', 'a modal with input blocks needs a submit button');
    }
    for (const flag of ['clear_on_close', 'notify_on_close', 'submit_disabled'] as const) {
      checker.boolean(view[flag], `/view/${flag}`, flag);
    }
  }
  checker.blocks(view.blocks, '/view/blocks', BlockKitLimits.viewBlocks);
  const optional = (key: string, max: number) => {
    const v = view[key];
    if (v !== undefined && (typeof v !== 'string' || v.length > max)) {
      checker.problem(`/view/${key}`, `${key} must be a string of at most ${max} characters`);
    }
  };
  optional('private_metadata', BlockKitLimits.privateMetadata);
  optional('callback_id', BlockKitLimits.callbackId);
  optional('external_id', BlockKitLimits.externalId);
  return checker.problems;
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

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
  at: number;
  /** HTTP status; 0 when the stand-in dropped the connection. */
  status: number;
  ok: boolean;
  error?: string;
  response?: unknown;
}

export type SlackFailure =
  | { status: 429; retryAfterSeconds: number }
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
}

export interface StandinChannel {
  id: string;
  name?: string;
  isPrivate?: boolean;
  /** The bot must be a member to post (relink has chat:write, not chat:write.public). Default true. */
  isMember?: boolean;
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
}

export interface SlackStandin {
  start(): Promise<{ url: string; apiUrl: string }>;
  stop(): Promise<void>;
  /** Base URL (`http://127.0.0.1:port`); the Web API lives under `/api/`. */
  readonly url: string;
  readonly calls: readonly RecordedCall[];
  callsTo(method: string): RecordedCall[];
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
  /** Forget calls, messages, views, triggers and pending failures. */
  reset(): void;
}

class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly messages: string[] = [],
  ) {
    super(error);
  }
}

const TRIGGER_LIFETIME_MS = 3_000;
const VIEW_STACK_LIMIT = 3;
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata'];
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const slackId = (prefix: string, length = 10): string =>
  prefix + [...randomBytes(length)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');

const format = (problems: BlockKitProblem[]): string[] =>
  problems.map((p) => `[ERROR] ${p.message} [json-pointer:${p.path}]`);

interface ParsedRequest {
  args: SlackArgs;
  transport: RecordedCall['transport'];
  bodyToken?: string;
  error?: string;
}

function parseRequest(headers: IncomingHttpHeaders, raw: string): ParsedRequest {
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const args: SlackArgs = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      args[key] = value;
      if (JSON_FIELDS.includes(key)) {
        try {
          args[key] = JSON.parse(value);
        } catch {
          // Left as the raw string; the method answers with its own format error.
        }
      }
    }
    const { token, ...rest } = args;
    return { args: rest, transport: 'form', bodyToken: typeof token === 'string' ? token : undefined };
  }
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isObject(parsed)) {
        // Slack ignores a token inside a JSON body: JSON callers must use the Authorization header.
        const { token: _ignored, ...rest } = parsed;
        return { args: rest, transport: 'json' };
      }
    } catch {
      // fall through
    }
    return { args: {}, transport: 'json', error: 'invalid_json' };
  }
  return { args: {}, transport: 'other', error: 'invalid_post_type' };
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

const optionalString = (args: SlackArgs, key: string): string | undefined => {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw new SlackApiError('invalid_arguments', [`[ERROR] ${key} must be a string`]);
  return v;
};

export function createSlackStandin(options: SlackStandinOptions): SlackStandin {
  const now = options.now ?? Date.now;
  const teamId = options.teamId ?? 'T0RELINK01';
  const teamDomain = options.teamDomain ?? 'relink-test';
  const botUserId = options.botUserId ?? 'U0RELINKBOT';
  const botId = options.botId ?? 'B0RELINKBOT';
  const appId = options.appId ?? 'A0RELINKAPP';
  const usersAreListed = options.users !== undefined;
  const channelsAreListed = options.channels !== undefined;
  const users = new Map((options.users ?? []).map((u) => [u.id, u]));
  const channels = new Map((options.channels ?? []).map((c) => [c.id, c]));

  let server: Server | undefined;
  let baseUrl: string | undefined;
  let down: false | 'unavailable' | 'reset' = false;
  let lastTsMicros = 0;
  let viewOrder = 0;
  let calls: RecordedCall[] = [];
  let failures = new Map<string, { failure: SlackFailure; remaining: number }[]>();
  let triggers = new Map<string, { issuedAt: number; used: boolean; userId: string; viewId?: string }>();
  let messagesByChannel = new Map<string, Map<string, PostedMessage>>();
  let ephemeralMessages: EphemeralMessage[] = [];
  let viewsById = new Map<string, StoredView & { order: number }>();
  let homeByUser = new Map<string, StoredView & { order: number }>();

  // Slack ts values are unique per channel and increase; keep them unique and increasing globally
  // even when a test freezes the clock.
  const nextTs = (): string => {
    lastTsMicros = Math.max(now() * 1000, lastTsMicros + 1);
    return `${Math.floor(lastTsMicros / 1e6)}.${String(lastTsMicros % 1e6).padStart(6, '0')}`;
  };
  const newHash = () => `${Math.floor(now() / 1000)}.${randomBytes(4).toString('hex')}`;

  const findUser = (id: unknown): StandinUser => {
    if (typeof id !== 'string' || id === '') throw new SlackApiError('user_not_found');
    const known = users.get(id);
    if (known) return known;
    if (id === botUserId) return { id, name: 'relink', realName: 'relink', isBot: true };
    if (!usersAreListed && /^[UW][A-Z0-9]{2,}$/.test(id)) return { id };
    throw new SlackApiError('user_not_found');
  };

  // Channel names are refused although Slack resolves them: relink's config holds channel ids.
  const findChannel = (id: unknown): StandinChannel => {
    if (typeof id !== 'string' || id === '') throw new SlackApiError('channel_not_found');
    const known = channels.get(id);
    if (known) return known;
    if (!channelsAreListed && /^[CGD][A-Z0-9]{2,}$/.test(id)) return { id };
    throw new SlackApiError('channel_not_found');
  };

  const postable = (args: SlackArgs): string => {
    const channel = findChannel(args.channel);
    if (channel.isMember === false) throw new SlackApiError('not_in_channel');
    return channel.id;
  };

  // Mirrors Slack, which fills in a block_id for blocks sent without one.
  const withBlockIds = (blocks: Json[]): Json[] =>
    blocks.map((b) =>
      b.block_id === undefined ? { ...b, block_id: randomBytes(3).toString('base64url') } : b,
    );

  const messageContent = (args: SlackArgs): { text?: string; blocks?: Json[] } => {
    const text = optionalString(args, 'text');
    const rawBlocks = args.blocks;
    let blocks: Json[] | undefined;
    if (rawBlocks !== undefined) {
      if (!Array.isArray(rawBlocks)) throw new SlackApiError('invalid_blocks_format');
      const problems = validateMessageBlocks(rawBlocks);
      if (problems.length > 0) {
        const tooLong = problems.some((p) => p.error === 'msg_blocks_too_long');
        throw new SlackApiError(tooLong ? 'msg_blocks_too_long' : 'invalid_blocks', format(problems));
      }
      blocks = withBlockIds(rawBlocks as Json[]);
    }
    if (!text && !blocks?.length && args.attachments === undefined) throw new SlackApiError('no_text');
    if (text && text.length > BlockKitLimits.messageText) throw new SlackApiError('msg_too_long');
    return { text, blocks };
  };

  const channelMessages = (channel: string): Map<string, PostedMessage> => {
    let map = messagesByChannel.get(channel);
    if (!map) {
      map = new Map();
      messagesByChannel.set(channel, map);
    }
    return map;
  };

  const messageJson = (m: PostedMessage) => ({
    type: 'message',
    subtype: 'bot_message',
    text: m.text ?? '',
    user: m.user,
    bot_id: m.botId,
    app_id: appId,
    team: teamId,
    ts: m.ts,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
  });

  const consumeTrigger = (args: SlackArgs) => {
    const id = args.trigger_id;
    if (typeof id !== 'string' || id === '') {
      throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
    }
    const trigger = triggers.get(id);
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (trigger.used) throw new SlackApiError('exchanged_trigger_id');
    if (now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) throw new SlackApiError('expired_trigger_id');
    // Spent even if the view turns out invalid: a retry with a fixed view needs a fresh interaction.
    trigger.used = true;
    return trigger;
  };

  const viewArg = (args: SlackArgs, type: 'modal' | 'home'): Json => {
    const view = args.view;
    if (!isObject(view)) throw new SlackApiError('invalid_arguments', ['[ERROR] view must be a JSON object']);
    if (JSON.stringify(view).length > BlockKitLimits.viewBytes) throw new SlackApiError('view_too_large');
    if (view.type !== type) {
      throw new SlackApiError('invalid_arguments', [
        `[ERROR] view type must be ${type} [json-pointer:/view/type]`,
      ]);
    }
    const problems = validateView(view);
    if (problems.length > 0) throw new SlackApiError('invalid_arguments', format(problems));
    return view;
  };

  const checkExternalId = (view: Json, exceptViewId?: string) => {
    if (typeof view.external_id !== 'string' || view.external_id === '') return;
    for (const stored of viewsById.values()) {
      if (stored.output.id !== exceptViewId && stored.output.external_id === view.external_id) {
        throw new SlackApiError('duplicate_external_id');
      }
    }
  };

  const plain = (v: unknown) =>
    isObject(v) && typeof v.text === 'string'
      ? {
          type: 'plain_text' as const,
          text: v.text,
          ...(typeof v.emoji === 'boolean' ? { emoji: v.emoji } : {}),
        }
      : null;

  const toOutput = (
    view: Json,
    ids: { id: string; root: string | null; previous: string | null },
  ): ViewOutput => ({
    id: ids.id,
    team_id: teamId,
    app_installed_team_id: teamId,
    app_id: appId,
    bot_id: botId,
    type: String(view.type),
    title: plain(view.title) ?? { type: 'plain_text', text: '' },
    close: plain(view.close),
    submit: plain(view.submit),
    // Validated above; the Block Kit types are wider than what the checker accepts.
    blocks: view.blocks as (KnownBlock | Block)[],
    private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
    callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
    external_id: typeof view.external_id === 'string' ? view.external_id : '',
    state: { values: {} },
    hash: newHash(),
    clear_on_close: view.clear_on_close === true,
    notify_on_close: view.notify_on_close === true,
    root_view_id: ids.root,
    previous_view_id: ids.previous,
  });

  const storeView = (output: ViewOutput, userId: string) => {
    const stored = { output, userId, isOpen: true, order: viewOrder++ };
    viewsById.set(output.id, stored);
    return stored;
  };

  const findView = (args: SlackArgs) => {
    const viewId = optionalString(args, 'view_id');
    const externalId = optionalString(args, 'external_id');
    if ((viewId === undefined) === (externalId === undefined)) {
      throw new SlackApiError('invalid_arguments', [
        '[ERROR] exactly one of view_id or external_id is required',
      ]);
    }
    const stored = viewId
      ? viewsById.get(viewId)
      : [...viewsById.values()].find((v) => v.output.external_id === externalId);
    if (!stored?.isOpen) throw new SlackApiError('not_found');
    return stored;
  };

  const checkHash = (args: SlackArgs, current: ViewOutput) => {
    const hash = optionalString(args, 'hash');
    if (hash !== undefined && hash !== current.hash) throw new SlackApiError('hash_conflict');
  };

  const methods: Record<string, (args: SlackArgs) => Json> = {
    'auth.test': () => ({
      url: `https://${teamDomain}.slack.com/`,
      team: 'relink test',
      user: 'relink',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),

    'chat.postMessage': (args) => {
      const channel = postable(args);
      const { text, blocks } = messageContent(args);
      const threadTs = optionalString(args, 'thread_ts');
      const messages = channelMessages(channel);
      if (threadTs !== undefined) {
        const parent = messages.get(threadTs);
        if (!parent) throw new SlackApiError('thread_not_found');
        // Replies must point at the thread's root, not at another reply.
        if (parent.threadTs !== undefined) throw new SlackApiError('invalid_thread_ts');
      }
      const message: PostedMessage = {
        channel,
        ts: nextTs(),
        text,
        blocks,
        threadTs,
        replies: [],
        user: botUserId,
        botId,
        updates: 0,
        metadata: args.metadata,
      };
      messages.set(message.ts, message);
      if (threadTs !== undefined) messages.get(threadTs)?.replies.push(message.ts);
      return { channel, ts: message.ts, message: messageJson(message) };
    },

    'chat.update': (args) => {
      const channel = findChannel(args.channel).id;
      const ts = optionalString(args, 'ts');
      const message = ts === undefined ? undefined : messagesByChannel.get(channel)?.get(ts);
      if (!message) throw new SlackApiError('message_not_found');
      const { text, blocks } = messageContent(args);
      // Slack keeps what an update leaves out; an empty blocks array removes the blocks.
      if (text !== undefined) message.text = text;
      if (blocks !== undefined) message.blocks = blocks.length > 0 ? blocks : undefined;
      message.updates += 1;
      return { channel, ts: message.ts, text: message.text ?? '', message: messageJson(message) };
    },

    'chat.postEphemeral': (args) => {
      const channel = postable(args);
      const user = findUser(args.user).id;
      const { text, blocks } = messageContent(args);
      const ts = nextTs();
      ephemeralMessages.push({
        channel,
        user,
        ts,
        text,
        blocks,
        threadTs: optionalString(args, 'thread_ts'),
      });
      return { message_ts: ts };
    },

    'views.open': (args) => {
      const trigger = consumeTrigger(args);
      const view = viewArg(args, 'modal');
      checkExternalId(view);
      const id = slackId('V');
      const stored = storeView(toOutput(view, { id, root: id, previous: null }), trigger.userId);
      return { view: stored.output };
    },

    'views.push': (args) => {
      const trigger = consumeTrigger(args);
      const from = trigger.viewId === undefined ? undefined : viewsById.get(trigger.viewId);
      if (!from?.isOpen || from.output.type !== 'modal') {
        throw new SlackApiError('invalid_arguments', [
          '[ERROR] views.push needs a trigger_id from an interaction inside an open modal',
        ]);
      }
      const view = viewArg(args, 'modal');
      const root = from.output.root_view_id ?? from.output.id;
      const stack = [...viewsById.values()].filter((v) => v.isOpen && v.output.root_view_id === root);
      if (stack.length >= VIEW_STACK_LIMIT) throw new SlackApiError('push_limit_reached');
      checkExternalId(view);
      const stored = storeView(
        toOutput(view, { id: slackId('V'), root, previous: from.output.id }),
        from.userId,
      );
      return { view: stored.output };
    },

    'views.update': (args) => {
      const stored = findView(args);
      checkHash(args, stored.output);
      const view = viewArg(args, stored.output.type === 'home' ? 'home' : 'modal');
      checkExternalId(view, stored.output.id);
      const { id, root_view_id: root, previous_view_id: previous } = stored.output;
      stored.output = toOutput(view, { id, root, previous });
      return { view: stored.output };
    },

    'views.publish': (args) => {
      const userId = findUser(args.user_id).id;
      const view = viewArg(args, 'home');
      const current = homeByUser.get(userId);
      if (current) checkHash(args, current.output);
      checkExternalId(view, current?.output.id);
      const id = current?.output.id ?? slackId('V');
      const stored = storeView(toOutput(view, { id, root: null, previous: null }), userId);
      homeByUser.set(userId, stored);
      return { view: stored.output };
    },

    'users.info': (args) => {
      const u = findUser(args.user);
      const name = u.name ?? u.id.toLowerCase();
      return {
        user: {
          id: u.id,
          team_id: teamId,
          name,
          real_name: u.realName ?? name,
          deleted: u.deleted ?? false,
          is_bot: u.isBot ?? false,
          tz: u.tz ?? 'America/Los_Angeles',
          profile: {
            real_name: u.realName ?? name,
            display_name: name,
            ...(u.email ? { email: u.email } : {}),
          },
        },
      };
    },

    'conversations.info': (args) => {
      const c = findChannel(args.channel);
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

  const takeFailure = (method: string): SlackFailure | undefined => {
    const queue = failures.get(method);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.failure;
  };

  const answer = (
    res: ServerResponse,
    call: RecordedCall,
    status: number,
    body: Json,
    headers: Record<string, string> = {},
  ) => {
    call.status = status;
    call.ok = body.ok === true;
    if (typeof body.error === 'string') call.error = body.error;
    call.response = body;
    sendJson(res, status, body, headers);
  };

  const fail = (res: ServerResponse, call: RecordedCall, error: string, messages: string[] = []) =>
    answer(res, call, 200, {
      ok: false,
      error,
      ...(messages.length ? { response_metadata: { messages } } : {}),
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const method = path.startsWith('/api/') ? path.slice('/api/'.length) : path;
    const parsed = parseRequest(req.headers, raw);
    const call: RecordedCall = {
      method,
      args: parsed.args,
      transport: parsed.transport,
      at: now(),
      status: 0,
      ok: false,
    };
    calls.push(call);

    if (down === 'reset') {
      req.socket.destroy();
      return;
    }
    if (down === 'unavailable') return answer(res, call, 503, { ok: false, error: 'service_unavailable' });

    const failure = takeFailure(method);
    if (failure && 'status' in failure) {
      if (failure.status === 429) {
        return answer(
          res,
          call,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(failure.retryAfterSeconds) },
        );
      }
      return answer(res, call, failure.status, { ok: false, error: 'internal_error' });
    }
    if (failure) return fail(res, call, failure.error, failure.messages);

    if (req.method !== 'POST')
      return fail(res, call, 'invalid_request', ['[ERROR] the stand-in accepts POST only']);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? parsed.bodyToken;
    if (!token) return fail(res, call, 'not_authed');
    if (token !== options.botToken) return fail(res, call, 'invalid_auth');
    if (parsed.error) return fail(res, call, parsed.error);

    const handler = methods[method];
    if (!handler) return fail(res, call, 'unknown_method');
    try {
      answer(res, call, 200, { ok: true, ...handler(parsed.args) });
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      fail(res, call, err.error, err.messages);
    }
  };

  const closeView = (viewId: string) => {
    const target = viewsById.get(viewId);
    if (!target) return;
    const root = target.output.root_view_id ?? target.output.id;
    for (const v of viewsById.values()) {
      const sameStack = v.output.id === root || v.output.root_view_id === root;
      if (sameStack && v.order >= target.order) v.isOpen = false;
    }
  };

  return {
    async start() {
      if (server) throw new Error('slack stand-in already started');
      const s = createServer((req, res) => {
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
      return calls;
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    issueTriggerId(context = {}) {
      const id = `${Math.floor(now() / 1000)}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString('hex')}`;
      triggers.set(id, {
        issuedAt: now(),
        used: false,
        userId: context.userId ?? 'U0TESTUSER1',
        viewId: context.viewId,
      });
      return id;
    },
    failNext(method, failure, times = 1) {
      const queue = failures.get(method) ?? [];
      queue.push({ failure, remaining: times });
      failures.set(method, queue);
    },
    setDown(isDown, how = 'unavailable') {
      down = isDown ? how : false;
    },
    messages: (channel) => messagesByChannel.get(channel) ?? new Map(),
    get ephemeralMessages() {
      return ephemeralMessages;
    },
    get views() {
      return { byId: viewsById, homeByUser };
    },
    closeView,
    addUser: (user) => {
      users.set(user.id, user);
    },
    addChannel: (channel) => {
      channels.set(channel.id, channel);
    },
    reset() {
      calls = [];
      failures = new Map();
      triggers = new Map();
      messagesByChannel = new Map();
      ephemeralMessages = [];
      viewsById = new Map();
      homeByUser = new Map();
    },
  };
}
