import type { InputBlock } from '@slack/types';
import { bulkConfirmMeta } from '../../blocks/bulk-codecs';
import { bulkConfirmView, NAMES_PER_REASON } from '../../blocks/bulk-confirm-view';
import type { BulkPlan } from '../../src/reauth/bulk-types';
import { BlockId, CallbackId } from '../../src/slack/ids';
import { allText, findInput } from '../support/block-kit';
import { validateView } from '../support/block-kit-validator';

const sender = { senderName: 'Sunny Solar', senderEmail: 'support@sunny.example' };
const target = (i: number) => ({ authorizationId: i.toString(16).padStart(24, '0'), name: `Customer ${i}` });
const plan = (over: Partial<BulkPlan> = {}): BulkPlan => ({
  planId: 'a'.repeat(24),
  asked: [target(1), target(2)],
  skipped: [{ ...target(3), reason: 'no_valid_email' }],
  preview: {
    draft: {
      customerName: 'Customer 1',
      customerEmail: 'c1@example.com',
      utility: 'PG&E',
      note: null,
      sendAnyway: false,
    },
    problem: { state: 'bad_login', reason: 'invalid_credentials' },
  },
  cooldownHours: 24,
  truncatedFrom: null,
  ...over,
});

describe('bulkConfirmView', () => {
  it('says how many are asked, who is skipped and why, previews one email, and asks for a note', () => {
    const view = bulkConfirmView({ plan: plan(), ...sender });
    const text = allText(view.blocks);
    expect(text).toContain('*2 customers* will be asked to reauthorize');
    expect(text).toContain('*1 customer skipped:*');
    expect(text).toContain('*No valid email on file* (1): Customer 3');
    expect(text).toContain('To: Customer 1 <c1@example.com>');
    expect(text).toContain('Subject: Please relink your PG&E account');
    expect(findInput(view.blocks, BlockId.bulkNote)?.optional).toBe(true);
    expect(view.submit?.text).toBe('Send 2 emails');
    expect(view.callback_id).toBe(CallbackId.bulkConfirm);
    expect(bulkConfirmMeta.decode(view.private_metadata)).toEqual({ v: 1, bulkId: 'a'.repeat(24) });
    expect(validateView(view)).toEqual([]);
  });

  it('names a few skipped per reason and counts the rest, staying small for 5,000 skipped', () => {
    const skipped = Array.from({ length: 5000 }, (_, i) => ({
      ...target(i + 10),
      reason: i % 2 ? ('cooldown' as const) : ('awaiting_customer' as const),
    }));
    const view = bulkConfirmView({ plan: plan({ skipped }), ...sender });
    const text = allText(view.blocks);
    expect(text).toContain('*Asked within the last 24 hours* (2,500)');
    expect(text).toContain(`and 2,${500 - NAMES_PER_REASON} more`);
    expect(view.blocks.length).toBeLessThan(25);
    expect(validateView(view)).toEqual([]);
  });

  it('offers no Send when nobody can be asked', () => {
    const view = bulkConfirmView({ plan: plan({ asked: [], preview: null }), ...sender });
    expect(view.submit).toBeUndefined();
    expect(allText(view.blocks)).toContain('Nobody in your selection can be asked right now.');
    expect(view.blocks.some((b) => (b as InputBlock).block_id === BlockId.bulkNote)).toBe(false);
    expect(validateView(view)).toEqual([]);
  });

  it('escapes customer names, which are not Slack markup', () => {
    const skipped = [{ ...target(4), name: '<!channel> & Co', reason: 'suppressed' as const }];
    const text = allText(bulkConfirmView({ plan: plan({ skipped }), ...sender }).blocks);
    expect(text).toContain('&lt;!channel&gt; &amp; Co');
    expect(text).not.toContain('<!channel>');
  });
});
