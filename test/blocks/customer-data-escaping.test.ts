import { Types } from 'mongoose';
import { expiryWarningMessage } from '../../blocks/expiry-warning-message';
import { homeView } from '../../blocks/home-view';
import { type NoticeChange, noticeMessage, noticeThreadReply } from '../../blocks/notice-message';
import { reauthFormView, reauthUnavailableView } from '../../blocks/reauth-form-view';
import { reauthListMessage, reauthListSummary } from '../../blocks/reauth-list-message';
import { reauthPreviewView } from '../../blocks/reauth-preview-view';
import { requestQueuedView } from '../../blocks/request-queued-view';
import { sendFailedReply } from '../../blocks/send-failed-message';
import { sendUnconfirmedReply } from '../../blocks/send-unconfirmed-message';
import type { SlackMessage } from '../../blocks/slack-message';
import { NAME_MAX_CHARS, NOTE_MAX_CHARS, UTILITY_MAX_CHARS } from '../../src/domain/reauth-draft';
import { REQUEST_STATUSES } from '../../src/domain/reauth-request';
import { HOME_PAGE_SIZE, type WorklistItem } from '../../src/domain/worklist';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { messageProblems, viewProblems } from '../support/block-kit-validator';

/*
 * Platform data is written by customers, so every view relink draws must show it as text: Slack reads
 * `<…>` as mentions and links and `&` as the start of an entity, so none of them may reach mrkdwn
 * unescaped, and no length may break a block. Each view is drawn with every hostile customer below.
 */

const now = new Date('2026-03-12T10:45:00Z');
const hoursAgo = (n: number) => new Date(now.getTime() - n * 3_600_000);
/** The one person relink itself mentions in these views (who asked); any other `<@…>` came from data. */
const REQUESTER = 'U0REQUESTER';

const MARKUP = [
  '<!channel>',
  '<!here>',
  '<@U123>',
  '<https://evil.example|click>',
  '*bold*',
  '~strike~',
  '`code`',
  '&amp; & <>',
];
const markup = MARKUP.join(' ');
const long = (text: string, chars = 5000) => text.repeat(Math.ceil(chars / text.length)).slice(0, chars);

interface Hostile {
  label: string;
  name: string;
  utility: string;
  email: string;
}

const customers: Hostile[] = [
  ...MARKUP.map((m) => ({
    label: m,
    name: `Jane ${m} Doe`,
    utility: `${m} PG&E`,
    email: `${m}@example.com`,
  })),
  { label: 'every markup at once', name: markup, utility: markup, email: `jane@${markup}.com` },
  {
    label: '5,000-character strings',
    name: long(`${markup} `),
    utility: long(`${markup} `),
    email: `${long('<!channel>', 4988)}@example.com`,
  },
  {
    label: 'mentions hidden in the domain',
    name: 'Jane',
    utility: 'PG&E',
    email: 'jane@<https://evil.example|click>',
  },
];

/** Each piece of text Slack reads as mrkdwn: a message's fallback `text` and every mrkdwn object. */
function mrkdwnTexts(surface: unknown, isMessage: boolean): string[] {
  const found: string[] = [];
  if (isMessage) found.push((surface as SlackMessage).text);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      const o = node as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') found.push(o.text);
      for (const [key, value] of Object.entries(o))
        if (key !== 'text' || typeof value !== 'string') walk(value);
    }
  };
  walk(isMessage ? (surface as SlackMessage).blocks : surface);
  return found;
}

// relink's own markup: dates Slack renders per reader, and a mention of who asked.
const RELINK_MARKUP = [/<!date\^\d+\^\{(?:ago|time)\}\|[^<>&]*>/g, new RegExp(`<@${REQUESTER}>`, 'g')];

/** What in `text` Slack would read as markup that relink did not write: `<`, `>`, or a bare `&`. */
function liveMarkup(text: string): string[] {
  const rest = RELINK_MARKUP.reduce((t, pattern) => t.replace(pattern, ''), text);
  return [...rest.matchAll(/[<>]|&(?!amp;|lt;|gt;)/g)].map((m) => rest.slice(m.index, m.index + 30));
}

function expectSafeMessage(message: SlackMessage): void {
  for (const text of mrkdwnTexts(message, true)) expect(liveMarkup(text)).toEqual([]);
  expect(messageProblems(message)).toEqual([]);
}

function expectSafeView(view: unknown): void {
  for (const text of mrkdwnTexts(view, false)) expect(liveMarkup(text)).toEqual([]);
  expect(viewProblems(view)).toEqual([]);
}

const problem = {
  state: 'bad_login' as const,
  reason: 'invalid_credentials' as const,
  expiresAt: null,
  declinedAt: null,
  revokedAt: null,
};

const worklistItem = (c: Hostile): WorklistItem => ({
  _id: new Types.ObjectId(),
  customer: { name: c.name, email: c.email },
  utility: c.utility,
  ...problem,
  incidentOpen: true,
  incidentSince: hoursAgo(50),
});

describe.each(customers)('customer data carrying $label', (c) => {
  it('is inert in the notice, whatever its last request', () => {
    const base = {
      authorizationId: new Types.ObjectId().toHexString(),
      workspaceId: SINGLE_WORKSPACE_ID,
      version: 1,
      customerName: c.name,
      customerEmail: c.email,
      utility: c.utility,
      status: { ...problem, incidentOpen: true },
      since: hoursAgo(3),
    };
    expectSafeMessage(noticeMessage({ ...base, lastRequest: null }, now));
    for (const status of REQUEST_STATUSES) {
      const lastRequest = { status, requestedBy: REQUESTER, at: hoursAgo(1), sentTo: c.email };
      expectSafeMessage(noticeMessage({ ...base, lastRequest }, now));
    }
  });

  it('is inert in every thread reply', () => {
    const changes: NoticeChange[] = [
      { kind: 'state_changed', status: problem },
      { kind: 'request_queued', requestedBy: REQUESTER },
      { kind: 'request_sent', sentTo: c.email, at: hoursAgo(1) },
      { kind: 'request_bounced', sentTo: c.email },
      { kind: 'send_failed', code: 'email_rejected', message: `${c.email} ${c.name}`, requestId: 'req-1' },
      { kind: 'resolved' },
    ];
    for (const change of changes) expectSafeMessage(noticeThreadReply(change, now));
    expectSafeMessage(sendFailedReply({ code: 'email_rejected', message: c.name, requestId: 'req-1' }));
    expectSafeMessage(sendUnconfirmedReply({ requestId: 'req-1', sentTo: c.email }));
  });

  it('is inert in the expiry warning', () => {
    const warning = {
      authorizationId: new Types.ObjectId().toHexString(),
      customerName: c.name,
      customerEmail: c.email,
      utility: c.utility,
      expiresAt: new Date(now.getTime() + 7 * 86_400_000),
    };
    expectSafeMessage(expiryWarningMessage(warning, now));
  });

  it('is inert in the reauth form, the preview and the queued view', () => {
    const cooldown = { lastSentAt: hoursAgo(2), lastSentBy: REQUESTER };
    const form = {
      authorizationId: new Types.ObjectId().toHexString(),
      customerName: c.name,
      customerEmail: c.email,
      utility: c.utility,
      problem,
      since: hoursAgo(26),
      note: c.name,
    };
    expectSafeView(reauthFormView({ ...form, cooldown: null }, now));
    expectSafeView(reauthFormView({ ...form, cooldown, sendAnyway: true }, now));
    // The preview only ever shows a draft the form accepted: the longest the form allows.
    const draft = {
      customerName: [...c.name].slice(0, NAME_MAX_CHARS).join('').trim(),
      customerEmail: 'jane@example.com',
      utility: [...c.utility].slice(0, UTILITY_MAX_CHARS).join('').trim(),
      note: [...long(`${c.name}\n`)].slice(0, NOTE_MAX_CHARS).join('').trim(),
      sendAnyway: false,
    };
    const preview = {
      authorizationId: form.authorizationId,
      problem,
      senderName: 'Acme',
      senderEmail: 'a@acme.example',
    };
    expectSafeView(reauthPreviewView({ ...preview, draft }));
    expectSafeView(requestQueuedView({ customerName: c.name, email: c.email }));
  });

  it('is inert in the App Home, its search included', () => {
    const items = Array.from({ length: HOME_PAGE_SIZE }, () => worklistItem(c));
    const lastRequests = new Map(
      items.map((i) => [i._id.toHexString(), { status: 'bounced' as const, statusAt: hoursAgo(1) }]),
    );
    const counts = {
      bad_logins: 20,
      expired_declined: 0,
      expiring_soon: 0,
      awaiting_customer: 0,
      mine: 0,
      all: 20,
    };
    const page = { items, total: 20, page: 1, pages: 1, pageSize: HOME_PAGE_SIZE };
    expectSafeView(homeView({ tab: 'bad_logins', counts, page, search: null, lastRequests, now }));
    // homeView bounds the search itself (254 characters), as a typed one arrives.
    expectSafeView(homeView({ tab: 'all', counts, page, search: c.name, lastRequests, now }));
  });

  it('is inert in /reauth lists, searches and their summaries', () => {
    const items = Array.from({ length: 12 }, () => worklistItem(c));
    expectSafeMessage(reauthListMessage({ subject: { filter: 'bad-logins' }, items, total: 12, now }));
    expectSafeMessage(reauthListMessage({ subject: { query: c.name }, items, total: 12, now }));
    expectSafeMessage(reauthListMessage({ subject: { query: c.email }, items: [], total: 0, now }));
    for (const total of [0, 1, 2])
      expectSafeView(reauthUnavailableView(reauthListSummary(c.name, total, c.name)));
  });
});

describe('the customer’s email in views the channel sees', () => {
  it('is never shown in full, and an address that is not one reads "No valid email on file"', () => {
    const base = {
      authorizationId: 'auth-1',
      workspaceId: SINGLE_WORKSPACE_ID,
      version: 1,
      customerName: 'Jane',
      utility: 'PG&E',
      status: { ...problem, incidentOpen: true },
      since: hoursAgo(3),
      lastRequest: {
        status: 'sent' as const,
        requestedBy: REQUESTER,
        at: hoursAgo(1),
        sentTo: 'jane@example.com',
      },
    };
    const valid = JSON.stringify(noticeMessage({ ...base, customerEmail: 'jane@example.com' }, now));
    expect(valid).not.toContain('jane@example.com');
    expect(valid).not.toContain('example.com');
    expect(valid).toContain('j***@e***.com');
    const invalid = JSON.stringify(noticeMessage({ ...base, customerEmail: '<!channel>@example.com' }, now));
    expect(invalid).toContain('No valid email on file');
    expect(invalid).not.toContain('channel');
  });
});
