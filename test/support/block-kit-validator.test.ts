import type { HomeView, KnownBlock, ModalView } from '@slack/types';
import { actions, button, input, modal, noticeContent, plain, section } from './block-kit-samples';
import { messageProblems, validateMessage, validateView, viewProblems } from './block-kit-validator';

const field = (text: string) => ({ type: 'mrkdwn' as const, text });
const dividers = (count: number): KnownBlock[] => Array.from({ length: count }, () => ({ type: 'divider' }));
const notice = (over: { text?: string; blocks?: unknown[] } = {}) => ({ ...noticeContent(), ...over });
const home = (blocks: KnownBlock[]): HomeView => ({ type: 'home', blocks });

/** The JSON pointers the problems are at: each readable problem starts with one. */
const pathsOf = (problems: string[]) => problems.map((p) => p.slice(0, p.indexOf(': ')));

describe('Block Kit validator', () => {
  it('accepts what relink sends and lists every problem otherwise, saying where', () => {
    expect(messageProblems(notice())).toEqual([]);
    expect(viewProblems(modal())).toEqual([]);
    expect(viewProblems(home([section('Nothing needs you right now')]))).toEqual([]);
    const problems = viewProblems(modal({ title: plain(''), blocks: [{ type: 'nonsense' }] }));
    expect(pathsOf(problems)).toEqual(['/view/title/text', '/view/blocks/0/type']);
    expect(problems[0]).toBe('/view/title/text: modal title must be a non-empty string');
  });

  it('names the Slack error a message problem gets when it is not invalid_blocks', () => {
    expect(validateMessage(notice({ text: '' }))).toEqual([expect.objectContaining({ error: 'no_text' })]);
    expect(validateMessage({ text: 'x'.repeat(40_001) })).toEqual([
      expect.objectContaining({ path: '/text', error: 'msg_too_long' }),
    ]);
    const long = notice({ blocks: Array.from({ length: 4 }, () => section('x'.repeat(2500))) });
    expect(validateMessage(long)).toEqual([expect.objectContaining({ error: 'msg_blocks_too_long' })]);
    expect(validateView(modal({ close: plain('x'.repeat(25)) }))).toEqual([
      { path: '/view/close/text', message: 'close button must be at most 24 characters (got 25)' },
    ]);
  });

  const messageCases: [string, { text?: string; blocks?: unknown[] }, string][] = [
    ['blocks without fallback text', notice({ text: undefined }), '/text'],
    ['blocks with blank fallback text', notice({ text: '  ' }), '/text'],
    ['neither text nor blocks', { text: '' }, '/text'],
    ['more than 50 blocks', notice({ blocks: dividers(51) }), '/blocks'],
    ['empty section text', notice({ blocks: [section('')] }), '/blocks/0/text/text'],
    ['section text over 3,000', notice({ blocks: [section('x'.repeat(3001))] }), '/blocks/0/text/text'],
    ['a section without text or fields', notice({ blocks: [{ type: 'section' }] }), '/blocks/0'],
    [
      'more than 10 fields',
      notice({ blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => field('x')) }] }),
      '/blocks/0/fields',
    ],
    [
      'a field over 2,000',
      notice({ blocks: [{ type: 'section', fields: [field('x'.repeat(2001))] }] }),
      '/blocks/0/fields/0/text',
    ],
    [
      'a button value over 2,000',
      notice({ blocks: [actions(button({ value: 'v'.repeat(2001) }))] }),
      '/blocks/0/elements/0/value',
    ],
    [
      'button text over 75',
      notice({ blocks: [actions(button({ text: 'x'.repeat(76) }))] }),
      '/blocks/0/elements/0/text/text',
    ],
    [
      'an action_id used twice',
      notice({ blocks: [actions(button()), actions(button())] }),
      '/blocks/1/elements/0/action_id',
    ],
    [
      'a block_id used twice',
      notice({
        blocks: [
          { ...section('a'), block_id: 'b' },
          { ...section('c'), block_id: 'b' },
        ],
      }),
      '/blocks/1/block_id',
    ],
    [
      'a block_id over 255',
      notice({ blocks: [{ ...section('a'), block_id: 'b'.repeat(256) }] }),
      '/blocks/0/block_id',
    ],
  ];

  it.each(messageCases)('refuses a message with %s', (_name, message, path) => {
    expect(pathsOf(messageProblems(message))).toContain(path);
  });

  const viewCases: [string, ModalView | HomeView, string][] = [
    ['a modal over 100 blocks', modal({ blocks: dividers(101) }), '/view/blocks'],
    ['a Home tab over 100 blocks', home(dividers(101)), '/view/blocks'],
    ['a title over 24 characters', modal({ title: plain('x'.repeat(25)) }), '/view/title/text'],
    ['an empty title', modal({ title: plain('') }), '/view/title/text'],
    ['a submit label over 24 characters', modal({ submit: plain('x'.repeat(25)) }), '/view/submit/text'],
    ['a close label over 24 characters', modal({ close: plain('x'.repeat(25)) }), '/view/close/text'],
    ['private_metadata over 3,000', modal({ private_metadata: 'm'.repeat(3001) }), '/view/private_metadata'],
    ['inputs without a submit button', modal({ submit: undefined }), '/view/submit'],
    [
      'an action_id used by two inputs',
      modal({ blocks: [input('name', 'value'), input('email', 'value')] }),
      '/view/blocks/1/element/action_id',
    ],
    [
      'a block_id used by two inputs',
      modal({ blocks: [input('email', 'a'), input('email', 'b')] }),
      '/view/blocks/1/block_id',
    ],
    ['a Home tab with a block_id over 255', home([input('e'.repeat(256), 'v')]), '/view/blocks/0/block_id'],
  ];

  it.each(viewCases)('refuses %s', (_name, view, path) => {
    expect(pathsOf(viewProblems(view))).toContain(path);
  });

  // Settings' inputs: https://docs.slack.dev/reference/block-kit/block-elements/number-input-element and
  // https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element
  const inputOf = (element: Record<string, unknown>) =>
    modal({
      blocks: [
        { type: 'input', block_id: 'b', label: plain('Label'), element: { action_id: 'a', ...element } },
      ],
    });
  const number = (over: Record<string, unknown>) =>
    inputOf({ type: 'number_input', is_decimal_allowed: false, ...over });
  const channel = (over: Record<string, unknown>) => inputOf({ type: 'conversations_select', ...over });

  it('accepts a whole-number input with bounds and a channel select with a filter', () => {
    expect(viewProblems(number({ min_value: '0', max_value: '720', initial_value: '24' }))).toEqual([]);
    const filter = { include: ['public', 'private'], exclude_external_shared_channels: true };
    expect(viewProblems(channel({ filter, initial_conversation: 'C0ALERTS01' }))).toEqual([]);
  });

  const inputCases: [string, ModalView, string][] = [
    [
      'a number_input without is_decimal_allowed',
      number({ is_decimal_allowed: undefined }),
      '/is_decimal_allowed',
    ],
    ['a number sent as a number, not a string', number({ initial_value: 24 }), '/initial_value'],
    ['a decimal where only whole numbers are allowed', number({ initial_value: '1.5' }), '/initial_value'],
    ['min_value above max_value', number({ min_value: '10', max_value: '1' }), '/min_value'],
    ['an initial value out of bounds', number({ min_value: '0', initial_value: '-1' }), '/initial_value'],
    [
      'a channel select with an unknown filter kind',
      channel({ filter: { include: ['channels'] } }),
      '/filter/include',
    ],
    ['a channel select with an empty filter', channel({ filter: {} }), '/filter'],
    ['a channel select with a #name', channel({ initial_conversation: '#alerts' }), '/initial_conversation'],
  ];

  it.each(inputCases)('refuses %s', (_name, view, suffix) => {
    expect(pathsOf(viewProblems(view))).toContain(`/view/blocks/0/element${suffix}`);
  });
});
