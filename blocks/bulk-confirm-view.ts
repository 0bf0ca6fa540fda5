import type { KnownBlock, ModalView, PlainTextElement, SectionBlock } from '@slack/types';
import { BULK_SKIP_REASONS } from '../src/domain/bulk-eligibility';
import { NOTE_MAX_CHARS } from '../src/domain/reauth-draft';
import { renderReauthEmail } from '../src/email/reauth-email';
import type { BulkPlan } from '../src/reauth/bulk-types';
import { ActionId, BlockId, CallbackId } from '../src/slack/ids';
import { bulkConfirmMeta } from './bulk-codecs';
import { skipReasonWords } from './bulk-words';
import { splitText } from './reauth-preview-view';
import { clip, escapeMrkdwn, formatCount } from './text';

/** Names listed per skip reason; the rest are counted ("and 40 more"), so the modal stays small. */
export const NAMES_PER_REASON = 10;
const SECTION_MAX_CHARS = 3000;

const customers = (n: number) => (n === 1 ? '1 customer' : `${formatCount(n)} customers`);

/**
 * The bulk ask's confirmation (issue 13): how many are asked, who is skipped and why (a few names per
 * reason), one email as the single flow previews it (the same renderer), and an optional shared note.
 * At most about 20 blocks, whatever the selection.
 */
export function bulkConfirmView(input: {
  plan: BulkPlan;
  senderName: string;
  senderEmail: string;
}): ModalView {
  const { plan } = input;
  const n = plan.asked.length;
  const blocks: KnownBlock[] = [
    mrkdwn(
      n > 0
        ? `*${customers(n)}* will be asked to reauthorize. Each gets their own email with their own secure link, and each notice shows its request.`
        : 'Nobody in your selection can be asked right now.',
    ),
  ];
  if (plan.truncatedFrom !== null)
    blocks.push(
      contextText(
        `Only the first ${customers(plan.asked.length + plan.skipped.length)} of the ${formatCount(plan.truncatedFrom)} selected are included.`,
      ),
    );
  blocks.push(...skippedBlocks(plan));
  if (plan.preview) blocks.push({ type: 'divider' }, ...previewBlocks(plan.preview, input));
  if (n > 0) {
    blocks.push({
      type: 'input',
      block_id: BlockId.bulkNote,
      optional: true,
      label: plain('Note to add to every email (optional)'),
      element: {
        type: 'plain_text_input',
        action_id: ActionId.bulkNote,
        multiline: true,
        max_length: NOTE_MAX_CHARS,
      },
    });
  }
  return {
    type: 'modal',
    callback_id: CallbackId.bulkConfirm,
    title: plain('Ask customers'),
    ...(n > 0 ? { submit: plain(`Send ${formatCount(n)} ${n === 1 ? 'email' : 'emails'}`) } : {}),
    close: plain('Cancel'),
    private_metadata: bulkConfirmMeta.encode({ v: 1, bulkId: plan.planId }),
    blocks,
  };
}

function skippedBlocks(plan: BulkPlan): KnownBlock[] {
  if (plan.skipped.length === 0) return [];
  const blocks: KnownBlock[] = [{ type: 'divider' }, mrkdwn(`*${customers(plan.skipped.length)} skipped:*`)];
  for (const reason of BULK_SKIP_REASONS) {
    const names = plan.skipped.filter((s) => s.reason === reason).map((s) => s.name);
    if (names.length === 0) continue;
    const shown = names.slice(0, NAMES_PER_REASON).map((name) => escapeMrkdwn(clip(name, 100)));
    const more = names.length > shown.length ? ` and ${formatCount(names.length - shown.length)} more` : '';
    const words = skipReasonWords(reason, plan.cooldownHours);
    blocks.push(
      mrkdwn(
        clip(`*${words}* (${formatCount(names.length)}): ${shown.join(', ')}${more}`, SECTION_MAX_CHARS),
      ),
    );
  }
  return blocks;
}

function previewBlocks(
  preview: NonNullable<BulkPlan['preview']>,
  sender: { senderName: string; senderEmail: string },
): KnownBlock[] {
  const { draft, problem } = preview;
  const email = renderReauthEmail({
    customerName: draft.customerName,
    utility: draft.utility,
    reason: problem,
    note: null,
    senderName: sender.senderName,
    reauthUrl: null,
  });
  const envelope = [
    `To: ${draft.customerName} <${draft.customerEmail}>`,
    `From: ${sender.senderName} <${sender.senderEmail}>`,
    `Subject: ${email.subject}`,
  ].join('\n');
  return [
    contextText(
      'One of the emails, as its customer will get it. Each names its own customer and utility; your note is added to every one.',
    ),
    plainSection(envelope),
    ...splitText(email.text, SECTION_MAX_CHARS).map(plainSection),
  ];
}

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text, emoji: false });
const plainSection = (text: string): SectionBlock => ({ type: 'section', text: plain(text) });
const mrkdwn = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const contextText = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
