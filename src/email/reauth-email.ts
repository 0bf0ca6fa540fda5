import type { BadLoginReason } from '../domain/authorization';
import { RelinkError } from '../domain/errors';
import type { ProblemFacts } from '../domain/problem-words';

/**
 * The one renderer of the email that asks a customer to reauthorize. The Slack preview and the send job
 * both call it, so what the team approves is what the customer reads; the only difference is the link,
 * which the platform creates at send time.
 */

/** The problem in relink's terms, or a ready headline from a platform relink has no words for. */
export type ReauthEmailReason = Pick<ProblemFacts, 'state' | 'reason'> | string;

export interface ReauthEmailData {
  customerName: string;
  utility: string;
  reason: ReauthEmailReason;
  note: string | null;
  /** The company's name, as the email is signed (SENDGRID_FROM_NAME). */
  senderName: string;
  /** The platform's reauthorization form; null in the preview, before the link exists. */
  reauthUrl: string | null;
  /** Set for a reminder (src/reauth/reminders.ts): the same email, with words saying it follows up. */
  reminder?: { number: number } | null;
}

export interface ReauthEmail {
  subject: string;
  text: string;
  html: string;
}

/** Stands in for the link in the preview. */
export const REAUTH_LINK_PENDING = '(a secure reauthorization link is added when the email is sent)';

export function renderReauthEmail(data: ReauthEmailData): ReauthEmail {
  const url = data.reauthUrl === null ? null : checkedUrl(data.reauthUrl);
  const why = whyWords(data.reason, data.utility);
  const ask = `Please relink your ${data.utility} account using this secure link. It only takes a few minutes:`;
  const note = data.note?.trim() || null;
  const subject = data.reminder
    ? `Reminder: please relink your ${data.utility} account`
    : `Please relink your ${data.utility} account`;
  const followUp = data.reminder ? reminderWords(data.utility) : null;

  const text = [
    `Hi ${data.customerName},`,
    ...(followUp ? [followUp] : []),
    why,
    `${ask}\n${url ?? REAUTH_LINK_PENDING}`,
    ...(note ? [`A note from ${data.senderName}:\n${note}`] : []),
    `Thank you,\n${data.senderName}`,
  ].join('\n\n');

  const linkHtml = url
    ? `<p><a href="${escapeHtml(url)}" style="${BUTTON_STYLE}">Relink my ${escapeHtml(data.utility)} account</a></p>\n` +
      `<p style="color:#555;font-size:13px">If the button doesn't work, copy this link into your browser:<br>${escapeHtml(url)}</p>`
    : `<p><em>${escapeHtml(REAUTH_LINK_PENDING)}</em></p>`;
  const html = [
    '<!doctype html>',
    '<html><body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#222">',
    `<p>Hi ${escapeHtml(data.customerName)},</p>`,
    ...(followUp ? [`<p>${escapeHtml(followUp)}</p>`] : []),
    `<p>${escapeHtml(why)}</p>`,
    `<p>${escapeHtml(ask)}</p>`,
    linkHtml,
    ...(note
      ? [
          `<p>A note from ${escapeHtml(data.senderName)}:</p>`,
          `<blockquote style="margin:0 0 1em;padding-left:12px;border-left:3px solid #ccc">${paragraphHtml(note)}</blockquote>`,
        ]
      : []),
    `<p>Thank you,<br>${escapeHtml(data.senderName)}</p>`,
    '</body></html>',
  ].join('\n');

  return { subject, text, html };
}

const BUTTON_STYLE =
  'display:inline-block;padding:10px 18px;background:#1264a3;color:#fff;text-decoration:none;border-radius:4px';

/** A reminder's opening: it follows up, and its link is new (the first one may have expired). */
const reminderWords = (utility: string): string =>
  `A quick reminder: we wrote to you recently and your ${utility} account is not relinked yet. ` +
  'Here is a fresh link, in case the first one has expired.';

/** Why the customer is asked, in their words: they know their utility account, not relink's states. */
function whyWords(reason: ReauthEmailReason, utility: string): string {
  const lost = `We can no longer receive your ${utility} data`;
  if (typeof reason === 'string') return `${lost}. ${reason.trim().replace(/[.\s]+$/, '')}.`;
  switch (reason.state) {
    case 'bad_login':
      return `${lost}: ${loginWords(reason.reason ?? 'invalid_credentials', utility)}`;
    case 'expired':
      return `${lost}: your authorization to share it with us expired.`;
    case 'declined':
      return `We don't have access to your ${utility} data: the request to share it was declined.`;
    case 'revoked':
      return `${lost}: access to it was turned off.`;
  }
  return `We need you to relink your ${utility} account so we can keep receiving your data.`;
}

function loginWords(reason: BadLoginReason, utility: string): string {
  switch (reason) {
    case 'invalid_credentials':
      return `the username and password for your ${utility} account didn't work. If you changed your password recently, relinking with the new one fixes this.`;
    case 'locked':
      return `your ${utility} online account was locked after too many sign-in attempts. Once you can sign in to ${utility} again, relinking fixes this.`;
    case 'mfa_required':
      return `your ${utility} account now asks for a one-time code when signing in.`;
  }
}

function checkedUrl(url: string): string {
  // The link goes into an href: anything but http(s) (javascript:, data:) must never reach a customer.
  if (!/^https?:\/\/[^\s]+$/i.test(url)) {
    throw new RelinkError('invalid_reauth_url', 'the reauthorization link is not an http(s) URL');
  }
  return url;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

const paragraphHtml = (value: string): string => escapeHtml(value).replace(/\n/g, '<br>\n');
