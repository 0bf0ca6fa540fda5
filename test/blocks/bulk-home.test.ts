import { bulkHomeBlocks, bulkProgressWords, bulkRowCheckbox } from '../../blocks/bulk-home';
import type { BulkProgress, HomeBulk } from '../../src/reauth/bulk-types';
import { ActionId, actionIdPattern } from '../../src/slack/ids';
import { allText, elementsWithActionIds } from '../support/block-kit';

const bulk = (over: Partial<HomeBulk> = {}): HomeBulk => ({
  selectedCount: 0,
  allSelected: false,
  selectedOnPage: new Set(),
  progress: null,
  ...over,
});
const progress = (over: Partial<BulkProgress> = {}): BulkProgress => ({
  bulkId: 'b'.repeat(24),
  total: 212,
  queuing: false,
  recorded: 212,
  sent: 37,
  pending: 175,
  failed: [],
  skipped: {},
  done: false,
  requestedBy: 'U1',
  ...over,
});

describe('the Home’s bulk ask', () => {
  it('offers select all, and the ask button once something is ticked', () => {
    const labels = (b: HomeBulk) =>
      elementsWithActionIds(bulkHomeBlocks(b, 130)).map((e) => (e.text as { text: string }).text);
    expect(labels(bulk())).toEqual(['Select all 130 in this tab']);
    expect(labels(bulk({ selectedCount: 3 }))).toEqual([
      'Select all 130 in this tab',
      'Clear selection',
      'Ask 3 customers to reauthorize…',
    ]);
    expect(labels(bulk({ selectedCount: 1, allSelected: true }))).toEqual([
      'Clear selection',
      'Ask 1 customer to reauthorize…',
    ]);
    expect(bulkHomeBlocks(undefined, 130)).toEqual([]);
  });

  it('keys each row’s checkbox by its authorization, ticked or not', () => {
    const id = 'c'.repeat(24);
    const ticked = bulkRowCheckbox(id, true);
    expect(actionIdPattern(ActionId.bulkSelect).test(ticked.action_id ?? '')).toBe(true);
    expect(ticked.action_id).toBe(`bulk_select.${id}`);
    expect(ticked.initial_options).toHaveLength(1);
    expect(bulkRowCheckbox(id, false).initial_options).toBeUndefined();
  });

  it('shows queuing, then sending, then the outcome with failures named', () => {
    expect(bulkProgressWords(progress({ queuing: true, recorded: 20 }))).toContain('Queuing 20 of 212');
    expect(bulkProgressWords(progress())).toContain('Sending 37 of 212…');
    const failed = Array.from({ length: 7 }, (_, i) => ({ name: `F${i}`, code: 'bounced' }));
    const words = bulkProgressWords(
      progress({ done: true, sent: 205, pending: 0, failed, skipped: { cooldown: 3 } }),
    );
    expect(words).toContain('Bulk ask done: 205 of 212 emails sent');
    expect(words).toContain('7 failed: F0 (the email bounced)');
    expect(words).toContain('and 2 more');
    expect(words).toContain('3 skipped');
  });

  it('draws the progress line on the Home', () => {
    expect(allText(bulkHomeBlocks(bulk({ progress: progress() }), 10))).toContain('Sending 37 of 212…');
  });
});
