import type { AnyBlock, Button, InputBlock, ModalView } from '@slack/types';

/**
 * Small readers for Block Kit output, so tests assert what a person sees and what Slack enforces
 * rather than snapshotting whole JSON.
 */

/** Every string under a `text` key, anywhere in the value, joined by newlines. */
export function allText(value: unknown): string {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'text' && typeof child === 'string') found.push(child);
        else walk(child);
      }
    }
  };
  walk(value);
  return found.join('\n');
}

/** Every interactive element (anything with an `action_id`), anywhere in the value. */
export function elementsWithActionIds(
  value: unknown,
): Array<{ action_id: string } & Record<string, unknown>> {
  const found: Array<{ action_id: string } & Record<string, unknown>> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
    } else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.action_id === 'string') found.push(record as { action_id: string });
      for (const child of Object.values(record)) walk(child);
    }
  };
  walk(value);
  return found;
}

export const actionIds = (value: unknown): string[] => elementsWithActionIds(value).map((e) => e.action_id);

export function findButton(blocks: AnyBlock[], actionId: string): Button | undefined {
  return elementsWithActionIds(blocks).find((e) => e.action_id === actionId && e.type === 'button') as
    | Button
    | undefined;
}

export function findInput(blocks: AnyBlock[], blockId: string): InputBlock | undefined {
  return blocks.find((b): b is InputBlock => b.type === 'input' && b.block_id === blockId);
}

const textLength = (text: unknown): number =>
  text && typeof text === 'object' && typeof (text as { text?: unknown }).text === 'string'
    ? (text as { text: string }).text.length
    : 0;

/** Slack's limits for blocks anywhere (section text 3,000, fields 10 × 2,000, button value 2,000, unique action_ids). */
export function blockProblems(blocks: AnyBlock[]): string[] {
  const problems: string[] = [];
  for (const block of blocks) {
    if (block.type === 'section') {
      const section = block as { text?: unknown; fields?: unknown[] };
      if (!section.text && !section.fields?.length) problems.push('section without text or fields');
      if (section.text && (textLength(section.text) < 1 || textLength(section.text) > 3000)) {
        problems.push(`section text length ${textLength(section.text)}`);
      }
      if ((section.fields?.length ?? 0) > 10) problems.push('more than 10 fields');
      for (const field of section.fields ?? []) {
        if (textLength(field) > 2000) problems.push('field over 2000 characters');
      }
    }
    if (block.block_id && block.block_id.length > 255) problems.push('block_id over 255 characters');
  }
  const ids = actionIds(blocks);
  if (new Set(ids).size !== ids.length) problems.push(`duplicate action_ids: ${ids.join(', ')}`);
  const blockIds = blocks.map((b) => b.block_id).filter((id): id is string => Boolean(id));
  if (new Set(blockIds).size !== blockIds.length) problems.push('duplicate block_ids');
  for (const element of elementsWithActionIds(blocks)) {
    if (typeof element.value === 'string' && element.value.length > 2000) problems.push('value over 2000');
    if (element.type === 'button' && textLength(element.text) > 75) problems.push('button text over 75');
  }
  return problems;
}

export function messageProblems(message: { text: string; blocks: AnyBlock[] }): string[] {
  const problems = blockProblems(message.blocks);
  if (!message.text.trim()) problems.push('no fallback text');
  if (message.blocks.length > 50) problems.push(`${message.blocks.length} blocks in a message`);
  return problems;
}

export function modalProblems(view: ModalView): string[] {
  const problems = blockProblems(view.blocks);
  if (view.blocks.length > 100) problems.push(`${view.blocks.length} blocks in a modal`);
  for (const key of ['title', 'submit', 'close'] as const) {
    const length = view[key]?.text.length ?? 0;
    if (length > 24) problems.push(`${key} over 24 characters`);
  }
  if (view.title.text.length === 0) problems.push('empty title');
  if ((view.private_metadata?.length ?? 0) > 3000) problems.push('private_metadata over 3000');
  const hasInput = view.blocks.some((b) => b.type === 'input');
  if (hasInput && !view.submit) problems.push('inputs without a submit button');
  return problems;
}
