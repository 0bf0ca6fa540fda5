import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { closeNow, listenOnLoopback } from './loopback-server';
import {
  createSendgridEventWebhook,
  type PostedEventBatch,
  type SendgridEventName,
  type SendgridEventTarget,
} from './sendgrid-event-webhook';

export type { PostedEventBatch, SendgridEventName, SendgridEventTarget } from './sendgrid-event-webhook';

/*
 * A local SendGrid v3 `POST /v3/mail/send` for tests. relink's real @sendgrid/mail talks to it after
 * `client.setDefaultRequest('baseUrl', url)`. Validation follows SendGrid's documented errors and
 * limits and is stricter where SendGrid is lenient or vague:
 * https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors
 * https://www.twilio.com/docs/sendgrid/api-reference/mail-send/limitations
 */

/** One entry of SendGrid's `errors[]`. */
export interface SendgridError {
  message: string;
  field: string | null;
  help: string | null;
}

/** A message SendGrid accepted (202). */
export interface AcceptedMessage {
  messageId: string;
  receivedAt: number;
  /** The request body exactly as sent. */
  body: Record<string, unknown>;
  from: string;
  /** Every `to` address across personalizations. */
  to: string[];
  subject?: string;
  text?: string;
  html?: string;
  templateId?: string;
  customArgs: Record<string, string>;
  categories: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  receivedAt: number;
  /** Parsed JSON body, or the raw text when it was not JSON. The Authorization header is not kept. */
  body: unknown;
  /** 0 when the stand-in dropped the connection. */
  status: number;
  messageId?: string;
  errors?: SendgridError[];
}

export type SendgridFailureStatus = 400 | 401 | 429 | 500 | 503;

export interface SendgridFailureOptions {
  times?: number;
  /** For 429: sets `X-RateLimit-Reset` (SendGrid documents no Retry-After header). */
  retryAfterSeconds?: number;
  errors?: SendgridError[];
  /** For 5xx: an X-Message-Id on the failure, as if SendGrid had named the message before failing. */
  messageId?: string;
}

/**
 * A send the stand-in has read whole (so SendGrid "has" it) and holds unanswered, for a test to decide
 * its fate: the windows in which relink can die mid-send.
 */
export interface HeldSend {
  /** Resolves once the whole request was read and found valid. */
  readonly received: Promise<void>;
  /** Accepts the email (202 if the client is still there), as SendGrid would. */
  accept(): void;
  /** Drops it: no email, the connection is closed unanswered. */
  discard(): void;
  /** Settles once the email was accepted or discarded. */
  readonly settled: Promise<'accepted' | 'discarded'>;
}

/** A Single Sender identity, as `GET /v3/verified_senders` lists it. */
export interface StandinSender {
  email: string;
  verified: boolean;
}

export interface SendgridStandinOptions {
  apiKey: string;
  /** Single Sender identities (`GET /v3/verified_senders`). Default none. */
  senders?: StandinSender[];
  /**
   * Whether the key may read sender identities; false answers that call 403 "access forbidden", as
   * SendGrid does for a restricted key (a mail-send-only key is the usual one). Default true.
   */
  canReadSenders?: boolean;
  /** Clock in ms. Default Date.now. */
  now?: () => number;
  /**
   * How long a 202 takes to reach the client after SendGrid has the email, as over a real network:
   * the email is SendGrid's (and listed in `messages`) before its sender hears so. Default 0.
   */
  answerLatencyMs?: number;
}

export interface SendgridStandin {
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
  readonly url: string;
  readonly messages: readonly AcceptedMessage[];
  readonly requests: readonly RecordedRequest[];
  failNext(status: SendgridFailureStatus, options?: SendgridFailureOptions): void;
  /** While down every request gets 503, or with `'reset'` the connection is dropped unanswered. */
  setDown(down: boolean, how?: 'unavailable' | 'reset'): void;
  /**
   * Holds the next valid send unanswered until the test accepts or discards it. If the client goes
   * away first (relink killed), `ifClientLeaves` decides: SendGrid keeps a request it read whole.
   */
  holdNext(options?: { ifClientLeaves?: 'accept' | 'discard' }): HeldSend;
  /** Accepts the next valid send only after `ms`, whether or not the client still waits. */
  answerAfter(ms: number): void;
  /** Where signed Event Webhook posts go for every accepted email; null stops them. */
  setEventWebhook(target: SendgridEventTarget | null): void;
  /** The verification key relink is given (SENDGRID_WEBHOOK_PUBLIC_KEY). */
  readonly eventWebhookPublicKey: string;
  /** Every Event Webhook post made so far, with the receiver's answer. */
  readonly postedEvents: readonly PostedEventBatch[];
  /** Posts one event about an accepted message to the Event Webhook, once. */
  postEvent(name: SendgridEventName, message: AcceptedMessage): Promise<number>;
  /** Replaces the Single Sender identities `GET /v3/verified_senders` lists. */
  setSenders(senders: StandinSender[]): void;
  reset(): void;
}

// "The total size of your email, including attachments, must be less than 30MB."
const MAX_PAYLOAD_BYTES = 30 * 1024 * 1024;
const MAX_RECIPIENTS = 1000;
const MAX_CATEGORIES = 10;
const MAX_CATEGORY_LENGTH = 255;
const MAX_CUSTOM_ARGS_BYTES = 10_000;
const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message';

const TOP_LEVEL_FIELDS = [
  'personalizations',
  'from',
  'reply_to',
  'reply_to_list',
  'subject',
  'content',
  'attachments',
  'template_id',
  'headers',
  'categories',
  'custom_args',
  'send_at',
  'batch_id',
  'asm',
  'ip_pool_name',
  'mail_settings',
  'tracking_settings',
  'sections',
];
const PERSONALIZATION_FIELDS = [
  'to',
  'cc',
  'bcc',
  'from',
  'subject',
  'headers',
  'substitutions',
  'dynamic_template_data',
  'custom_args',
  'send_at',
];
// Headers SendGrid sets itself and refuses in `headers`.
const RESERVED_HEADERS = [
  'x-sg-id',
  'x-sg-eid',
  'received',
  'dkim-signature',
  'content-type',
  'content-transfer-encoding',
  'to',
  'from',
  'subject',
  'reply-to',
  'cc',
  'bcc',
];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// Deliberately narrower than RFC 5322: plain ASCII local part, dotted hostname with a real TLD.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;
const isEmail = (v: unknown): v is string =>
  typeof v === 'string' && v.length <= 254 && (v.split('@')[0]?.length ?? 0) <= 64 && EMAIL.test(v);

class MailChecker {
  readonly errors: SendgridError[] = [];

  add(field: string | null, message: string, anchor = field?.split('.')[0]): void {
    this.errors.push({ message, field, help: anchor ? `${HELP}.${anchor}` : null });
  }

  unknownFields(obj: Json, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.add(path ? `${path}.${key}` : key, `Unknown field "${key}".`);
    }
  }

  address(value: unknown, field: string, label: string): string | undefined {
    if (!isObject(value)) {
      this.add(field, `The ${label} must be an object with an email address.`);
      return undefined;
    }
    if (!isEmail(value.email)) {
      this.add(`${field}.email`, `The ${label} email does not contain a valid address.`);
      return undefined;
    }
    if (value.name !== undefined && typeof value.name !== 'string') {
      this.add(`${field}.name`, `The ${label} name must be a string.`);
    }
    return value.email;
  }

  stringValues(value: unknown, field: string): void {
    if (value === undefined) return;
    if (!isObject(value)) {
      this.add(field, 'Invalid type. Expected: object.');
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      if (typeof v !== 'string')
        this.add(`${field}.${key}`, `Invalid type. Expected: string, given: ${typeof v}.`);
    }
  }

  headers(value: unknown, field: string): void {
    this.stringValues(value, field);
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) {
      if (RESERVED_HEADERS.includes(key.toLowerCase())) {
        this.add(`${field}.${key}`, `The header "${key}" is reserved and cannot be set.`);
      }
    }
  }
}

function checkPersonalizations(c: MailChecker, body: Json): void {
  const list = body.personalizations;
  if (!Array.isArray(list) || list.length === 0) {
    c.add('personalizations', 'You must have at least one personalization.');
    return;
  }
  if (list.length > 1000) {
    c.add(
      'personalizations',
      `The personalization block is limited to 1000 personalizations per API request. You have provided ${list.length} personalizations.`,
    );
  }
  const dynamic = typeof body.template_id === 'string' && body.template_id.startsWith('d-');
  const seen = new Set<string>();
  let recipients = 0;
  list.forEach((p: unknown, i) => {
    const at = `personalizations.${i}`;
    if (!isObject(p)) {
      c.add(at, 'Each personalization must be an object.');
      return;
    }
    c.unknownFields(p, at, PERSONALIZATION_FIELDS);
    if (!Array.isArray(p.to) || p.to.length === 0) {
      c.add(
        `${at}.to`,
        'The to parameter is required for all personalization objects, and must have at least one email object with a valid email address.',
      );
    }
    for (const kind of ['to', 'cc', 'bcc'] as const) {
      const entries = p[kind];
      if (entries === undefined) continue;
      if (!Array.isArray(entries)) {
        c.add(`${at}.${kind}`, `The ${kind} parameter must be an array of email objects.`);
        continue;
      }
      entries.forEach((entry: unknown, j) => {
        recipients += 1;
        const field = `${at}.${kind}.${j}`;
        const email = c.address(entry, field, kind);
        if (isObject(entry) && typeof entry.name === 'string' && /[;,]/.test(entry.name)) {
          c.add(
            `${field}.name`,
            'The to.name, cc.name, and bcc.name cannot include either the ; or , characters.',
          );
        }
        if (email === undefined) return;
        const key = email.toLowerCase();
        if (seen.has(key)) {
          c.add(
            at,
            `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${email}] in the ${at}.${kind} field.`,
          );
        }
        seen.add(key);
      });
    }
    if (p.subject !== undefined && (typeof p.subject !== 'string' || p.subject === '')) {
      c.add(`${at}.subject`, 'The subject of a personalization must be a non-empty string.');
    }
    c.headers(p.headers, `${at}.headers`);
    c.stringValues(p.custom_args, `${at}.custom_args`);
    if (dynamic) {
      if (p.substitutions !== undefined) {
        c.add(`${at}.substitutions`, 'Substitutions may not be used with dynamic templates.');
      }
      // Stricter than SendGrid, which renders missing data as blanks: relink's emails always carry data.
      if (!isObject(p.dynamic_template_data)) {
        c.add(
          `${at}.dynamic_template_data`,
          'dynamic_template_data must be an object when template_id is dynamic.',
        );
      }
    } else if (p.dynamic_template_data !== undefined) {
      c.add(`${at}.dynamic_template_data`, 'dynamic_template_data requires a dynamic template_id (d-...).');
    }
  });
  if (recipients > MAX_RECIPIENTS) {
    c.add('personalizations', 'There is a limit of 1000 total recipients (to + cc + bcc) per request.');
  }
}

function checkContent(c: MailChecker, body: Json): void {
  const hasTemplate = body.template_id !== undefined;
  const content = body.content;
  if (content === undefined && hasTemplate) return;
  if (!Array.isArray(content) || content.length === 0) {
    c.add(
      'content',
      'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.',
    );
    return;
  }
  const types: string[] = [];
  content.forEach((entry: unknown, i) => {
    const at = `content.${i}`;
    if (!isObject(entry)) {
      c.add(at, 'Each content entry must be an object with type and value.');
      return;
    }
    c.unknownFields(entry, at, ['type', 'value']);
    if (typeof entry.type !== 'string' || entry.type === '' || /[;\r\n]/.test(entry.type)) {
      c.add(
        `${at}.type`,
        'The content type cannot contain ";", or CRLF characters, and must be at least one character.',
      );
    } else {
      types.push(entry.type);
    }
    if (typeof entry.value !== 'string' || entry.value === '') {
      c.add(`${at}.value`, 'The content value must be a string at least one character in length.');
    }
  });
  const plain = types.indexOf('text/plain');
  const html = types.indexOf('text/html');
  const count = (type: string) => types.filter((t) => t === type).length;
  if (count('text/plain') > 1 || count('text/html') > 1) {
    c.add('content', 'If present, text/plain and text/html may only be provided once.');
  }
  if (plain > 0 || (html >= 0 && html !== plain + 1)) {
    c.add(
      'content',
      'If present, text/plain must be first, followed by text/html, followed by any other content.',
    );
  }
}

function checkTemplate(c: MailChecker, body: Json): void {
  if (body.template_id === undefined) return;
  // Legacy templates are not used by relink: only dynamic ones are accepted.
  if (typeof body.template_id !== 'string' || !/^d-[0-9a-f]+$/i.test(body.template_id)) {
    c.add('template_id', 'The template_id must be a dynamic template id (d- followed by hex digits).');
  }
}

function checkArgsAndCategories(c: MailChecker, body: Json): void {
  c.stringValues(body.custom_args, 'custom_args');
  const personalizations = Array.isArray(body.personalizations) ? body.personalizations : [];
  const argsBytes = [
    body.custom_args,
    ...personalizations.map((p) => (isObject(p) ? p.custom_args : undefined)),
  ]
    .filter(isObject)
    .reduce((n, args) => n + Buffer.byteLength(JSON.stringify(args)), 0);
  if (argsBytes >= MAX_CUSTOM_ARGS_BYTES) {
    c.add('custom_args', 'The total length of custom arguments must be less than 10000 bytes.');
  }
  const categories = body.categories;
  if (categories === undefined) return;
  if (!Array.isArray(categories)) {
    c.add('categories', 'The categories must be an array of strings.');
    return;
  }
  if (categories.length > MAX_CATEGORIES) {
    c.add('categories', 'Too many categories. You may not have more than 10 categories per request.');
  }
  categories.forEach((cat: unknown, i) => {
    if (typeof cat !== 'string' || cat === '')
      c.add(`categories.${i}`, 'A category must be a non-empty string.');
    else if (cat.length > MAX_CATEGORY_LENGTH) {
      c.add(`categories.${i}`, 'A category cannot have more than 255 characters.');
    }
  });
}

/** Every problem SendGrid would report (400 `errors[]`) for a `/v3/mail/send` body; empty when valid. */
export function validateMailSend(body: unknown): SendgridError[] {
  const c = new MailChecker();
  if (!isObject(body)) {
    c.add(null, 'The request body must be a JSON object.');
    return c.errors;
  }
  c.unknownFields(body, '', TOP_LEVEL_FIELDS);
  checkPersonalizations(c, body);
  c.address(body.from, 'from', 'from');
  // "Unicode encoding is not supported for the from field."
  if (isObject(body.from) && typeof body.from.email === 'string' && /[^\x20-\x7e]/.test(body.from.email)) {
    c.add('from.email', 'Unicode encoding is not supported for the from field.');
  }
  if (body.reply_to !== undefined) c.address(body.reply_to, 'reply_to', 'reply_to');
  const everyPersonalizationHasSubject =
    Array.isArray(body.personalizations) &&
    body.personalizations.length > 0 &&
    body.personalizations.every((p) => isObject(p) && typeof p.subject === 'string' && p.subject !== '');
  const subjectOk = typeof body.subject === 'string' && body.subject !== '';
  if (body.subject !== undefined && !subjectOk) c.add('subject', 'The subject must be a non-empty string.');
  if (!subjectOk && body.template_id === undefined && !everyPersonalizationHasSubject) {
    c.add(
      'subject',
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every single personalization has a subject defined.',
    );
  }
  checkTemplate(c, body);
  checkContent(c, body);
  c.headers(body.headers, 'headers');
  checkArgsAndCategories(c, body);
  return c.errors;
}

function acceptedMessage(body: Json, messageId: string, receivedAt: number): AcceptedMessage {
  const personalizations = (body.personalizations as Json[]).filter(isObject);
  const content = Array.isArray(body.content) ? body.content.filter(isObject) : [];
  const contentOf = (type: string) => {
    const v = content.find((e) => e.type === type)?.value;
    return typeof v === 'string' ? v : undefined;
  };
  return {
    messageId,
    receivedAt,
    body,
    from: String((body.from as Json).email),
    to: personalizations.flatMap((p) =>
      Array.isArray(p.to) ? p.to.filter(isObject).map((t) => String(t.email)) : [],
    ),
    subject: typeof body.subject === 'string' ? body.subject : undefined,
    text: contentOf('text/plain'),
    html: contentOf('text/html'),
    templateId: typeof body.template_id === 'string' ? body.template_id : undefined,
    customArgs: isObject(body.custom_args) ? (body.custom_args as Record<string, string>) : {},
    categories: Array.isArray(body.categories) ? body.categories.map(String) : [],
  };
}

// SendGrid message ids look like 22 url-safe base64 characters.
const newMessageId = () => randomBytes(16).toString('base64url').slice(0, 22);

const readBody = (req: IncomingMessage): Promise<{ text: string; bytes: number }> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // Keep counting past the limit but stop buffering, so an oversized body cannot exhaust memory.
      if (bytes <= MAX_PAYLOAD_BYTES + 1) chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), bytes }));
    req.on('error', reject);
  });

const errorBody = (message: string, field: string | null = null) => ({
  errors: [{ message, field, help: null }],
});

export function createSendgridStandin(options: SendgridStandinOptions): SendgridStandin {
  const now = options.now ?? Date.now;
  let server: Server | undefined;
  let baseUrl: string | undefined;
  let down: false | 'unavailable' | 'reset' = false;
  let messages: AcceptedMessage[] = [];
  let requests: RecordedRequest[] = [];
  let failures: { status: SendgridFailureStatus; options: SendgridFailureOptions; remaining: number }[] = [];
  let holds: Hold[] = [];
  let delays: number[] = [];
  const webhook = createSendgridEventWebhook(now);
  const subjectOf = (m: AcceptedMessage) => ({
    messageId: m.messageId,
    to: m.to[0] ?? '',
    customArgs: m.customArgs,
  });

  const send = (
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    body: { errors: SendgridError[] } | undefined,
    headers: Record<string, string> = {},
  ) => {
    record.status = status;
    if (body) record.errors = body.errors;
    res.writeHead(status, body ? { 'content-type': 'application/json', ...headers } : headers);
    res.end(body ? JSON.stringify(body) : undefined);
  };

  const injected = (res: ServerResponse, record: RecordedRequest): boolean => {
    const head = failures[0];
    if (!head) return false;
    head.remaining -= 1;
    if (head.remaining <= 0) failures.shift();
    const { status, options: o } = head;
    const defaults: Record<SendgridFailureStatus, string> = {
      400: 'Bad Request',
      401: 'The provided authorization grant is invalid, expired, or revoked',
      429: 'too many requests',
      500: 'Internal Server Error',
      503: 'Service Unavailable',
    };
    const body = { errors: o.errors ?? errorBody(defaults[status]).errors };
    const headers: Record<string, string> =
      status === 429
        ? {
            'x-ratelimit-limit': '600',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Math.floor(now() / 1000) + (o.retryAfterSeconds ?? 1)),
          }
        : status >= 500 && o.messageId
          ? { 'x-message-id': o.messageId }
          : {};
    send(res, record, status, body, headers);
    return true;
  };

  let senders = [...(options.senders ?? [])];
  const answerJson = (res: ServerResponse, record: RecordedRequest, body: object) => {
    record.status = 200;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  /**
   * The two reads an operator's tools make: `GET /v3/scopes` (what the key may do; any valid key may
   * ask) and `GET /v3/verified_senders` (Single Sender identities; 403 for a key without that scope).
   * https://www.twilio.com/docs/sendgrid/api-reference/api-key-permissions/retrieve-a-list-of-scopes-for-which-this-user-has-access
   * https://www.twilio.com/docs/sendgrid/api-reference/sender-verification/get-all-verified-senders
   */
  const answerRead = (req: IncomingMessage, res: ServerResponse, record: RecordedRequest, path: string) => {
    const auth = req.headers.authorization;
    if (!auth) return send(res, record, 401, errorBody('authorization required'));
    if (auth !== `Bearer ${options.apiKey}`) {
      return send(
        res,
        record,
        401,
        errorBody('The provided authorization grant is invalid, expired, or revoked'),
      );
    }
    const canReadSenders = options.canReadSenders ?? true;
    if (path === '/v3/scopes') {
      const scopes = ['mail.send', ...(canReadSenders ? ['verified_senders'] : [])];
      return answerJson(res, record, { scopes });
    }
    if (!canReadSenders) return send(res, record, 403, errorBody('access forbidden'));
    const results = senders.map((sender, i) => ({
      id: 1000 + i,
      nickname: sender.email,
      from_email: sender.email,
      from_name: 'Sender',
      reply_to: sender.email,
      verified: sender.verified,
      locked: false,
    }));
    return answerJson(res, record, { results });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const { text, bytes } = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    let parsed: unknown = text;
    let isJson = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      isJson = false;
    }
    const record: RecordedRequest = {
      method: req.method ?? '',
      path,
      receivedAt: now(),
      body: parsed,
      status: 0,
    };
    requests.push(record);

    if (down === 'reset') {
      req.socket.destroy();
      return;
    }
    if (down === 'unavailable') return send(res, record, 503, errorBody('Service Unavailable'));
    if (req.method === 'GET' && (path === '/v3/scopes' || path === '/v3/verified_senders')) {
      return answerRead(req, res, record, path);
    }
    if (req.method !== 'POST' || path !== '/v3/mail/send') {
      return send(res, record, 404, errorBody('resource not found'));
    }
    const auth = req.headers.authorization;
    if (!auth) return send(res, record, 401, errorBody('authorization required'));
    if (auth !== `Bearer ${options.apiKey}`) {
      return send(
        res,
        record,
        401,
        errorBody('The provided authorization grant is invalid, expired, or revoked'),
      );
    }
    if (injected(res, record)) return;
    if (bytes > MAX_PAYLOAD_BYTES) {
      return send(
        res,
        record,
        413,
        errorBody('The JSON payload you have included in your request is too large.'),
      );
    }
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      return send(res, record, 400, errorBody('Content-Type should be application/json.'));
    }
    if (!isJson) return send(res, record, 400, errorBody('Bad Request'));
    const errors = validateMailSend(parsed);
    if (errors.length > 0) return send(res, record, 400, { errors });

    const hold = holds.shift();
    if (hold && (await hold.decide(res)) === 'discard') {
      req.socket.destroy();
      return;
    }
    const delay = delays.shift();
    if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));

    const messageId = newMessageId();
    record.messageId = messageId;
    const message = acceptedMessage(parsed as Json, messageId, record.receivedAt);
    messages.push(message);
    hold?.accepted();
    webhook.accepted(subjectOf(message));
    if (options.answerLatencyMs) await new Promise((resolve) => setTimeout(resolve, options.answerLatencyMs));
    // The client may be gone (killed, timed out): the email is accepted all the same.
    if (!res.destroyed)
      send(res, record, 202, undefined, { 'x-message-id': messageId, 'content-length': '0' });
    else record.status = 202;
  };

  return {
    async start() {
      if (server) throw new Error('sendgrid stand-in already started');
      const s = createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`sendgrid stand-in failed: ${String(err)}`);
        });
      });
      server = s;
      baseUrl = await listenOnLoopback(s);
      return { url: baseUrl };
    },
    async stop() {
      const s = server;
      server = undefined;
      webhook.stop();
      for (const hold of holds) hold.discardNow();
      await closeNow(s);
    },
    get url() {
      if (!baseUrl) throw new Error('sendgrid stand-in not started');
      return baseUrl;
    },
    get messages() {
      return messages;
    },
    get requests() {
      return requests;
    },
    failNext(status, o = {}) {
      failures.push({ status, options: o, remaining: o.times ?? 1 });
    },
    setDown(isDown, how = 'unavailable') {
      down = isDown ? how : false;
    },
    holdNext(o = {}) {
      const hold = createHold(o.ifClientLeaves ?? 'accept');
      holds.push(hold);
      return hold.handle;
    },
    answerAfter(ms) {
      delays.push(ms);
    },
    setEventWebhook: (target) => webhook.setTarget(target),
    eventWebhookPublicKey: webhook.publicKey,
    get postedEvents() {
      return webhook.posted;
    },
    postEvent: (name, message) => webhook.postNow(name, subjectOf(message)),
    setSenders(list) {
      senders = [...list];
    },
    reset() {
      messages = [];
      requests = [];
      failures = [];
      holds = [];
      delays = [];
      webhook.reset();
    },
  };
}

interface Hold {
  handle: HeldSend;
  /** Called with the held request's response: resolves to what becomes of the email. */
  decide(res: ServerResponse): Promise<'accept' | 'discard'>;
  accepted(): void;
  discardNow(): void;
}

function createHold(ifClientLeaves: 'accept' | 'discard'): Hold {
  let received!: () => void;
  let decided!: (what: 'accept' | 'discard') => void;
  let settled!: (what: 'accepted' | 'discarded') => void;
  const receivedP = new Promise<void>((r) => {
    received = r;
  });
  const decision = new Promise<'accept' | 'discard'>((r) => {
    decided = r;
  });
  const settledP = new Promise<'accepted' | 'discarded'>((r) => {
    settled = r;
  });
  void decision.then((what) => {
    if (what === 'discard') settled('discarded');
  });
  return {
    handle: {
      received: receivedP,
      accept: () => decided('accept'),
      discard: () => decided('discard'),
      settled: settledP,
    },
    decide(res) {
      received();
      res.on('close', () => {
        if (!res.writableEnded) decided(ifClientLeaves);
      });
      return decision;
    },
    accepted: () => settled('accepted'),
    discardNow: () => decided('discard'),
  };
}
