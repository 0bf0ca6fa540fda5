import type { KnownBlock, ModalView, PlainTextElement, SectionBlock } from '@slack/types';
import type { ReauthDraft, ReauthProblem } from '../src/domain/reauth-draft';
import { renderReauthEmail } from '../src/email/reauth-email';
import { ActionId, CallbackId } from '../src/slack/ids';
import { reauthPreviewMeta } from '../src/slack/metadata';

export const PREVIEW_TITLE = 'Preview email';

export interface ReauthPreview {
  authorizationId: string;
  /** The problem the email explains (from the form's metadata). */
  problem: ReauthProblem;
  draft: ReauthDraft;
  /** SENDGRID_FROM_NAME and SENDGRID_FROM_EMAIL. */
  senderName: string;
  senderEmail: string;
}

// Slack's limit for a section's text.
const SECTION_MAX_CHARS = 3000;

/**
 * The exact email, before anything is sent. Rendered by the same function as the sent email; only the
 * link is a placeholder, because the platform creates it at send time.
 * Throws RelinkError `metadata_too_large` if the draft cannot ride in private_metadata (the field limits
 * keep a valid draft well under it).
 */
export function reauthPreviewView(p: ReauthPreview): ModalView {
  const email = renderReauthEmail({
    customerName: p.draft.customerName,
    utility: p.draft.utility,
    reason: p.problem,
    note: p.draft.note,
    senderName: p.senderName,
    reauthUrl: null,
  });
  const envelope = [
    `To: ${p.draft.customerName} <${p.draft.customerEmail}>`,
    `From: ${p.senderName} <${p.senderEmail}>`,
    `Subject: ${email.subject}`,
  ].join('\n');
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [plain('This is the email the customer will get. Nothing is sent until you press Send.')],
    },
    plainSection(envelope),
    { type: 'divider' },
    // Plain text, not mrkdwn: the customer's name and the note are shown exactly as the email has them.
    ...splitText(email.text, SECTION_MAX_CHARS).map(plainSection),
    { type: 'divider' },
    {
      type: 'actions',
      elements: [{ type: 'button', action_id: ActionId.editRequest, text: plain('Edit') }],
    },
  ];
  return {
    type: 'modal',
    callback_id: CallbackId.reauthPreview,
    title: plain(PREVIEW_TITLE),
    submit: plain('Send'),
    close: plain('Cancel'),
    private_metadata: reauthPreviewMeta.encode({
      v: 1,
      authorizationId: p.authorizationId,
      problem: { state: p.problem.state, reason: p.problem.reason },
      draft: p.draft,
    }),
    blocks,
  };
}

/** Splits at paragraph breaks where possible, so each piece fits one section. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const paragraph of text.split('\n\n')) {
    const joined = current ? `${current}\n\n${paragraph}` : paragraph;
    if (joined.length <= max) {
      current = joined;
      continue;
    }
    if (current) pieces.push(current);
    current = paragraph;
    while (current.length > max) {
      // Never cut between the two halves of an emoji (a UTF-16 surrogate pair).
      const cut = /[\uD800-\uDBFF]/.test(current.charAt(max - 1)) ? max - 1 : max;
      pieces.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text, emoji: false });
const plainSection = (text: string): SectionBlock => ({ type: 'section', text: plain(text) });
