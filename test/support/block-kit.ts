import type { AnyBlock, Button, InputBlock } from '@slack/types';

/**
 * Small readers for Block Kit output, so tests assert what a person sees rather than snapshotting
 * whole JSON. Whether Slack would accept it is block-kit-validator.ts's job.
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
