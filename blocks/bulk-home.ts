import type { ActionsBlock, Button, Checkboxes, KnownBlock } from '@slack/types';
import type { BulkProgress, HomeBulk } from '../src/reauth/bulk-types';
import { ActionId, keyedActionId } from '../src/slack/ids';
import { askManyLabel, bulkFailureWords } from './bulk-words';
import { clip, escapeMrkdwn, formatCount } from './text';

/** Failed customers named in the Home's outcome line; the rest are counted. */
const NAMED_FAILURES = 5;

/**
 * The App Home's bulk ask (issue 13), at most two blocks: the latest bulk ask's progress or outcome,
 * and the selection's buttons ("Select all N in this tab", "Clear selection", "Ask N customers…").
 */
export function bulkHomeBlocks(bulk: HomeBulk | undefined, tabTotal: number): KnownBlock[] {
  if (!bulk) return [];
  const blocks: KnownBlock[] = [];
  if (bulk.progress) blocks.push(context(bulkProgressWords(bulk.progress)));
  const elements: Button[] = [];
  if (tabTotal > 0 && !bulk.allSelected)
    elements.push(button(ActionId.bulkSelectAll, `Select all ${formatCount(tabTotal)} in this tab`, 'all'));
  if (bulk.selectedCount > 0) {
    elements.push(button(ActionId.bulkClearSelection, 'Clear selection', 'clear'));
    elements.push({ ...button(ActionId.bulkAsk, askManyLabel(bulk.selectedCount), 'ask'), style: 'primary' });
  }
  if (elements.length > 0) blocks.push({ type: 'actions', elements } satisfies ActionsBlock);
  return blocks;
}

/** The "Select" checkbox of one Home row, keyed by the authorization so unticking names it too. */
export function bulkRowCheckbox(authorizationId: string, ticked: boolean): Checkboxes {
  const option = { text: { type: 'plain_text' as const, text: 'Select' }, value: authorizationId };
  return {
    type: 'checkboxes',
    action_id: keyedActionId(ActionId.bulkSelect, authorizationId),
    options: [option],
    ...(ticked ? { initial_options: [option] } : {}),
  };
}

/** "Sending 37 of 212…", then the outcome with the failures named. */
export function bulkProgressWords(p: BulkProgress): string {
  const skipped = Object.values(p.skipped).reduce((a, b) => a + (b ?? 0), 0);
  const skippedWords = skipped > 0 ? ` · ${formatCount(skipped)} skipped` : '';
  if (p.queuing)
    return `:outbox_tray: Queuing ${formatCount(p.recorded)} of ${formatCount(p.total)} reauthorization requests…${skippedWords}`;
  if (!p.done)
    return `:outbox_tray: Sending ${formatCount(p.sent)} of ${formatCount(p.total)}…${skippedWords}`;
  const failed =
    p.failed.length === 0
      ? ''
      : ` · ${formatCount(p.failed.length)} failed: ${p.failed
          .slice(0, NAMED_FAILURES)
          .map((f) => `${escapeMrkdwn(clip(f.name, 60))} (${bulkFailureWords(f.code)})`)
          .join(
            ', ',
          )}${p.failed.length > NAMED_FAILURES ? ` and ${formatCount(p.failed.length - NAMED_FAILURES)} more` : ''}`;
  return clip(
    `:white_check_mark: Bulk ask done: ${formatCount(p.sent)} of ${formatCount(p.total)} emails sent${failed}${skippedWords}`,
    2000,
  );
}

const button = (actionId: string, text: string, value: string): Button => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text },
  value,
});
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
