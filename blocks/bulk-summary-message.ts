import type { KnownBlock } from '@slack/types';
import { BULK_SKIP_REASONS } from '../src/domain/bulk-eligibility';
import type { BulkProgress } from '../src/reauth/bulk-types';
import { bulkFailureWords, skipReasonWords } from './bulk-words';
import { clip, escapeMrkdwn, formatCount } from './text';

/** Failed customers named in the summary; beyond that they are counted. */
const NAMED_FAILURES = 20;

/** The one alert-channel message a finished bulk ask posts: what was sent, what failed, who was skipped. */
export function bulkSummaryMessage(
  p: BulkProgress,
  cooldownHours: number,
): { text: string; blocks: KnownBlock[] } {
  const text = `<@${p.requestedBy}> asked ${formatCount(p.total)} customers to reauthorize: ${formatCount(p.sent)} emails sent, ${formatCount(p.failed.length)} failed.`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `:outbox_tray: ${text}` } }];
  if (p.failed.length > 0) {
    const named = p.failed
      .slice(0, NAMED_FAILURES)
      .map((f) => `• ${escapeMrkdwn(clip(f.name, 100))}: ${bulkFailureWords(f.code)}`);
    if (p.failed.length > NAMED_FAILURES)
      named.push(`• and ${formatCount(p.failed.length - NAMED_FAILURES)} more`);
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*Not sent:*\n${named.join('\n')}`, 3000) },
    });
  }
  const skipped = BULK_SKIP_REASONS.flatMap((reason) => {
    const n = p.skipped[reason] ?? 0;
    return n > 0 ? [`${skipReasonWords(reason, cooldownHours)}: ${formatCount(n)}`] : [];
  });
  if (skipped.length > 0)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Skipped · ${skipped.join(' · ')}` }],
    });
  return { text, blocks };
}
