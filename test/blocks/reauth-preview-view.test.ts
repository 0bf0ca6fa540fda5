import type { SectionBlock } from '@slack/types';
import { type ReauthPreview, reauthPreviewView, splitText } from '../../blocks/reauth-preview-view';
import { renderReauthEmail } from '../../src/email/reauth-email';
import { ActionId, CallbackId } from '../../src/slack/ids';
import { reauthPreviewMeta } from '../../src/slack/metadata';
import { allText, findButton } from '../support/block-kit';
import { viewProblems } from '../support/block-kit-validator';

const preview = (over: Partial<ReauthPreview> = {}): ReauthPreview => ({
  authorizationId: 'auth-42',
  problem: { state: 'expired', reason: null },
  draft: {
    customerName: 'Jane <Doe>',
    customerEmail: 'jane@example.com',
    utility: 'PG&E',
    note: 'Thanks *so* much & see you <soon>',
    sendAnyway: true,
  },
  senderName: 'Acme Solar',
  senderEmail: 'hello@acme.example',
  ...over,
});

const emailSections = (view: ReturnType<typeof reauthPreviewView>): string[] => {
  const dividers = view.blocks.flatMap((b, i) => (b.type === 'divider' ? [i] : []));
  return view.blocks
    .slice((dividers[0] ?? 0) + 1, dividers[1])
    .map((b) => (b as SectionBlock).text?.text ?? '');
};

describe('reauthPreviewView', () => {
  it('shows To, From and Subject', () => {
    const text = allText(reauthPreviewView(preview()).blocks);
    expect(text).toContain('To: Jane <Doe> <jane@example.com>');
    expect(text).toContain('From: Acme Solar <hello@acme.example>');
    expect(text).toContain('Subject: Please relink your PG&E account');
  });

  it('shows exactly the text the sent email has, link aside', () => {
    const p = preview();
    const shown = emailSections(reauthPreviewView(p)).join('\n\n');
    const rendered = renderReauthEmail({
      customerName: p.draft.customerName,
      utility: p.draft.utility,
      reason: p.problem,
      note: p.draft.note,
      senderName: p.senderName,
      reauthUrl: null,
    });
    expect(shown).toBe(rendered.text);
    expect(shown).toContain('(a secure reauthorization link is added when the email is sent)');
    expect(shown).toContain('Thanks *so* much & see you <soon>');
  });

  it('shows the email as plain text, so nothing in it is read as markup', () => {
    const view = reauthPreviewView(preview());
    for (const section of view.blocks.filter((b): b is SectionBlock => b.type === 'section')) {
      expect(section.text?.type).toBe('plain_text');
    }
  });

  it('submits with Send, goes back with Edit, and carries the draft in its metadata', () => {
    const p = preview();
    const view = reauthPreviewView(p);
    expect(view.callback_id).toBe(CallbackId.reauthPreview);
    expect(view.submit?.text).toBe('Send');
    expect(findButton(view.blocks, ActionId.editRequest)?.text.text).toBe('Edit');
    expect(reauthPreviewMeta.decode(view.private_metadata)).toEqual({
      v: 1,
      authorizationId: 'auth-42',
      problem: p.problem,
      draft: p.draft,
    });
    expect(viewProblems(view)).toEqual([]);
  });

  it('splits a long email into sections of at most 3000 characters', () => {
    const view = reauthPreviewView(preview({ senderName: 'S'.repeat(2500) }));
    const sections = emailSections(view);
    expect(sections.length).toBeGreaterThan(1);
    expect(viewProblems(view)).toEqual([]);
  });

  it('throws rather than send metadata Slack would cut', () => {
    expect(() => reauthPreviewView(preview({ authorizationId: 'x'.repeat(5000) }))).toThrow(
      expect.objectContaining({ code: 'metadata_invalid' }),
    );
  });
});

describe('splitText', () => {
  it('keeps paragraphs whole when they fit and loses no character', () => {
    const text = ['a'.repeat(6), 'b'.repeat(6), 'c'.repeat(20)].join('\n\n');
    const pieces = splitText(text, 14);
    expect(pieces.every((p) => p.length <= 14)).toBe(true);
    expect(pieces.slice(0, 2)).toEqual(['aaaaaa\n\nbbbbbb', 'cccccccccccccc']);
    expect(pieces.join('').replace(/\n\n/g, '')).toBe(text.replace(/\n\n/g, ''));
  });

  it('does not cut an emoji in half', () => {
    const pieces = splitText(`a${'👍'.repeat(4)}`, 4);
    expect(pieces.join('')).toBe(`a${'👍'.repeat(4)}`);
    expect(pieces.every((p) => !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });
});
