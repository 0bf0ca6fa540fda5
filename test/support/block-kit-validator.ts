import {
  ACCESSORY_ELEMENTS,
  ACTIONS_ELEMENTS,
  BLOCK_FIELDS,
  BlockKitLimits,
  ELEMENT_FIELDS,
  INPUT_ELEMENTS,
  SURFACE_BLOCKS,
  type Surface,
  VIEW_FIELDS,
} from './block-kit-limits';

/*
 * The one Block Kit validator: the Slack stand-ins refuse what it finds, and every test of a view or
 * message asserts it finds nothing. Stricter than Slack wherever Slack is lenient or undocumented, so
 * anything it accepts Slack accepts too. Source: https://docs.slack.dev/reference/block-kit
 */

/** One thing wrong with a Block Kit payload, located by a JSON pointer into the method's arguments. */
export interface BlockKitProblem {
  /** e.g. `/blocks/0/text/text` for a message, `/view/title/text` for a view. */
  path: string;
  message: string;
  /** Set when Slack answers with a different error than the surface's usual one. */
  error?: 'msg_blocks_too_long' | 'msg_too_long' | 'no_text';
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

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
    else if (type === 'number_input') this.numberInput(el, path);
    else if (type === 'conversations_select') this.conversationsSelect(el, path);
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

  // https://docs.slack.dev/reference/block-kit/block-elements/number-input-element: numbers travel as
  // strings, and is_decimal_allowed is required.
  numberInput(el: Json, path: string): void {
    if (typeof el.is_decimal_allowed !== 'boolean') {
      this.problem(`${path}/is_decimal_allowed`, 'a number_input needs is_decimal_allowed (a boolean)');
      return;
    }
    const pattern = el.is_decimal_allowed ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/;
    const read = (key: 'initial_value' | 'min_value' | 'max_value'): number | undefined => {
      const v = el[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || !pattern.test(v)) {
        const what = el.is_decimal_allowed ? 'a number' : 'a whole number';
        this.problem(`${path}/${key}`, `${key} must be ${what} written as a string`);
        return undefined;
      }
      return Number(v);
    };
    const [initial, min, max] = [read('initial_value'), read('min_value'), read('max_value')];
    if (min !== undefined && max !== undefined && min > max) {
      this.problem(`${path}/min_value`, 'min_value cannot be greater than max_value');
    }
    if (
      initial !== undefined &&
      ((min !== undefined && initial < min) || (max !== undefined && initial > max))
    ) {
      this.problem(`${path}/initial_value`, 'initial_value must lie between min_value and max_value');
    }
  }

  // https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#conversations_multi_select
  conversationsSelect(el: Json, path: string): void {
    const initial = el.initial_conversation;
    if (initial !== undefined && (typeof initial !== 'string' || !/^[CGD][A-Z0-9]{2,}$/.test(initial))) {
      this.problem(`${path}/initial_conversation`, 'initial_conversation must be a conversation id');
    }
    this.boolean(
      el.default_to_current_conversation,
      `${path}/default_to_current_conversation`,
      'default_to_current_conversation',
    );
    this.boolean(el.response_url_enabled, `${path}/response_url_enabled`, 'response_url_enabled');
    const filter = el.filter;
    if (filter === undefined) return;
    if (!isObject(filter)) {
      this.problem(`${path}/filter`, 'filter must be an object');
      return;
    }
    const flags = ['exclude_external_shared_channels', 'exclude_bot_users'];
    this.fields(filter, `${path}/filter`, ['include', ...flags]);
    if (Object.keys(filter).length === 0) this.problem(`${path}/filter`, 'filter needs at least one field');
    for (const flag of flags) this.boolean(filter[flag], `${path}/filter/${flag}`, flag);
    if (filter.include !== undefined) {
      const kinds = ['im', 'mpim', 'private', 'public'];
      const include = filter.include;
      const valid = Array.isArray(include) && include.length > 0 && include.every((k) => kinds.includes(k));
      if (!valid)
        this.problem(`${path}/filter/include`, `include must be a non-empty list of ${kinds.join(', ')}`);
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

/**
 * Problems with a message's `text` and `blocks`; empty when valid. Slack itself accepts blocks without
 * `text`, but notifications and screen readers show only the text, so a blank fallback is refused.
 */
export function validateMessage(message: { text?: unknown; blocks?: unknown }): BlockKitProblem[] {
  const { text, blocks } = message;
  const checker = new BlockKitChecker('message');
  if (blocks !== undefined) {
    checker.blocks(blocks, '/blocks', BlockKitLimits.messageBlocks);
    const total = totalText(blocks);
    if (total > BlockKitLimits.messageBlocksTotalText) {
      checker.problem(
        '/blocks',
        `the blocks' text adds up to ${total} characters; keep it under ${BlockKitLimits.messageBlocksTotalText}`,
        'msg_blocks_too_long',
      );
    }
  }
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (text !== undefined && typeof text !== 'string') checker.problem('/text', 'text must be a string');
  else if (typeof text !== 'string' || text.trim() === '') {
    const missing = hasBlocks
      ? 'a message with blocks needs fallback text'
      : 'a message needs text or blocks';
    checker.problem('/text', missing, 'no_text');
  } else if (text.length > BlockKitLimits.messageText) {
    const max = BlockKitLimits.messageText;
    checker.problem('/text', `text must be at most ${max} characters (got ${text.length})`, 'msg_too_long');
  }
  return checker.problems;
}

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

const readable = (p: BlockKitProblem): string => `${p.path}: ${p.message}`;

/** What is wrong with a message a builder returns, one readable line per problem; empty when valid. */
export const messageProblems = (message: { text?: unknown; blocks?: unknown }): string[] =>
  validateMessage(message).map(readable);

/** What is wrong with a modal or Home view a builder returns, one line per problem; empty when valid. */
export const viewProblems = (view: unknown): string[] => validateView(view).map(readable);
