import { bulkSummaryMessage } from '../../blocks/bulk-summary-message';
import { allText } from '../support/block-kit';
import { validateMessage } from '../support/block-kit-validator';

describe('bulkSummaryMessage', () => {
  it('says who asked how many, what was sent, names failures and counts the skipped by reason', () => {
    const failed = Array.from({ length: 25 }, (_, i) => ({ name: `Failed ${i}`, code: 'email_rejected' }));
    const message = bulkSummaryMessage(
      {
        bulkId: 'b'.repeat(24),
        total: 212,
        queuing: false,
        recorded: 212,
        sent: 187,
        pending: 0,
        failed,
        skipped: { no_valid_email: 2, cooldown: 4 },
        done: true,
        requestedBy: 'U0ALICE',
      },
      24,
    );
    expect(message.text).toBe('<@U0ALICE> asked 212 customers to reauthorize: 187 emails sent, 25 failed.');
    const text = allText(message.blocks);
    expect(text).toContain('• Failed 0: SendGrid refused the email');
    expect(text).toContain('• and 5 more');
    expect(text).toContain('No valid email on file: 2');
    expect(text).toContain('Asked within the last 24 hours: 4');
    expect(validateMessage(message)).toEqual([]);
  });
});
