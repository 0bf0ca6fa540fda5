import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeNow, listenOnLoopback } from './loopback-server';

/**
 * A local UtilityAPI (https://utilityapi.com/docs/api) for tests, over real HTTP and stricter than the
 * real one: unknown query parameters and body fields are refused, `limit` above 1000 is a 400, a
 * `next` cursor must name a listed uid, and more than `rateLimitPerSecond` requests in any second get
 * 429 with `Retry-After`, so a client that fetches one authorization per call fails here first.
 * It serves one account per token (`addAccount` for more, as for two relink workspaces): a token sees
 * only its own account's authorizations and events, and another account's uid is not found.
 */

export interface StandInNote {
  type: string;
  msg?: string;
  ts: string;
}

export interface StandInAuthorization {
  uid: string;
  created: string;
  customer_email: string;
  customer_signature: { type: string; ts: string; full_name?: string } | null;
  nickname: string | null;
  utility: string;
  expires: string;
  is_expired: boolean;
  is_declined: boolean;
  declined: string | null;
  is_revoked: boolean;
  revoked: string | null;
  is_archived: boolean;
  notes: StandInNote[];
  form_uid: string | null;
  user_email: string;
}

export type StandInEvent = { uid: string; type: string; ts: string } & Record<string, unknown>;

export interface StandInForm {
  uid: string;
  url: string;
  authorization_uid: string | null;
  customer_email: string;
  utility: string | null;
  scope: Record<string, unknown>;
  created: string;
}

export interface RecordedRequest {
  method: string;
  /** The path under the API base, e.g. `/authorizations`. */
  path: string;
  query: Record<string, string>;
  /** Headers without `authorization` and `cookie`. */
  headers: Record<string, string>;
  /** The id of the account whose token was presented; null for none or an unknown token. */
  account: string | null;
  at: number;
}

/** One UtilityAPI account: its token, and its authorizations and events as the API will answer them. */
export interface UtilityApiAccount {
  /** How requests name it (`RecordedRequest.account`): `account-1`, `account-2`, … */
  readonly id: string;
  readonly token: string;
  /** Adds or merges (by uid) an authorization of this account; returns what the API will now answer. */
  upsertAuthorization(partial?: Partial<StandInAuthorization>): StandInAuthorization;
  /** Makes an event visible on this account's `GET /events` (without delivering it). */
  addEvent(partial?: Partial<StandInEvent>): StandInEvent;
  /** POSTs a signed batch of this account's events to `url`, as UtilityAPI does; resolves with the status. */
  deliverWebhook(input: WebhookDelivery): Promise<number>;
}

export interface WebhookDelivery {
  url: string;
  secret: string;
  events: Array<Partial<StandInEvent>>;
  salt?: string;
  /** Re-indents the body after signing: same JSON meaning, different bytes. */
  tamper?: boolean;
}

/** UtilityAPI's timestamp style: microseconds and an explicit offset. */
export const utilityApiTime = (date: Date): string => date.toISOString().replace('Z', '000+00:00');

let builtCount = 0;

/** An authorization as UtilityAPI returns it, valid and active unless `partial` says otherwise. */
export function buildUtilityApiAuthorization(
  partial: Partial<StandInAuthorization> = {},
): StandInAuthorization {
  const n = ++builtCount;
  const created = utilityApiTime(new Date(Date.UTC(2024, 0, 1) + n * 1000));
  return {
    uid: String(100_000 + n),
    created,
    customer_email: `customer${n}@example.com`,
    customer_signature: { type: 'text', ts: created, full_name: `Customer ${n}` },
    nickname: null,
    utility: 'PG&E',
    expires: 'until_revoked',
    is_expired: false,
    is_declined: false,
    declined: null,
    is_revoked: false,
    revoked: null,
    is_archived: false,
    notes: [{ type: 'access_valid', msg: 'Successfully registered.', ts: created }],
    form_uid: null,
    user_email: 'team@example.com',
    ...partial,
  };
}

const BASE_PATH = '/api/v2';
const MAX_LIMIT = 1000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}
const invalidParam = (description: string) =>
  new Reply(400, { error: 'invalid_param', error_description: description });

export function createUtilityApiStandIn(options: { token?: string; rateLimitPerSecond?: number } = {}) {
  const token = options.token ?? `standin-token-${randomBytes(8).toString('hex')}`;
  const rateLimit = options.rateLimitPerSecond ?? 50;
  const authorizations = new Map<string, StandInAuthorization>();
  // Each account's id by its token, and which account owns each authorization uid and each event.
  const accounts = new Map([[token, 'account-1']]);
  const owners = new Map<string, string>();
  const eventOwners = new WeakMap<StandInEvent, string>();
  const events: StandInEvent[] = [];
  const forms: StandInForm[] = [];
  const requests: RecordedRequest[] = [];
  const failures: Array<{ status: number; retryAfterSeconds?: number }> = [];
  let server: Server | null = null;
  let baseUrl = '';
  let formCount = 0;
  let eventCount = 0;

  // Kept apart from `requests` so clearing the log between tests does not reset the limit.
  let recent: number[] = [];

  async function handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const path = url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) : url.pathname;
    const { authorization: _a, cookie: _c, ...headers } = req.headers;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const account = (bearer !== undefined && accounts.get(bearer)) || null;
    const now = Date.now();
    requests.push({
      method: req.method ?? '',
      path,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
      account,
      at: now,
    });
    const failure = failures.shift();
    if (failure) {
      const retryAfter = failure.retryAfterSeconds;
      return new Reply(
        failure.status,
        null,
        retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
      );
    }
    recent = [...recent.filter((at) => at > now - 1000), now];
    if (recent.length > rateLimit) return new Reply(429, null, { 'retry-after': '1' });
    if (!url.pathname.startsWith(`${BASE_PATH}/`)) return new Reply(404, { error: 'not_found' });
    if (!account) return new Reply(401, { error: 'invalid_token' });

    const route = `${req.method} ${path}`;
    if (route === 'GET /authorizations') return listAuthorizations(account, url.searchParams);
    if (route === 'GET /events') return listEvents(account, url.searchParams);
    if (route === 'POST /forms') return createForm(account, await readBody(req));
    const single = /^\/authorizations\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && single?.[1])
      return getAuthorization(account, decodeURIComponent(single[1]), url.searchParams);
    return new Reply(404, { error: 'not_found' });
  }

  function checkParams(params: URLSearchParams, allowed: string[]): Reply | null {
    for (const key of new Set(params.keys())) {
      if (!allowed.includes(key)) return invalidParam(`unknown parameter: ${key}`);
      if (params.getAll(key).length > 1) return invalidParam(`repeated parameter: ${key}`);
    }
    for (const key of ['is_expired', 'is_declined', 'is_revoked', 'is_archived', 'is_delivered']) {
      const value = params.get(key);
      if (value !== null && value !== 'true' && value !== 'false')
        return invalidParam(`${key} must be true or false`);
    }
    const limit = params.get('limit');
    if (limit !== null && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= MAX_LIMIT)) {
      return invalidParam(`limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
    return null;
  }

  // Lists are newest first; `after=<uid>` continues after that uid, as UtilityAPI's `next` links do.
  function page<T extends { uid: string }>(items: T[], params: URLSearchParams, path: string, key: string) {
    const after = params.get('after');
    const start = after === null ? 0 : items.findIndex((item) => item.uid === after) + 1;
    if (after !== null && start === 0) return invalidParam(`after: unknown uid ${after}`);
    const limit = Number(params.get('limit') ?? MAX_LIMIT);
    const slice = items.slice(start, start + limit);
    const last = slice.at(-1);
    let next: string | null = null;
    if (last && start + limit < items.length) {
      const nextParams = new URLSearchParams(params);
      nextParams.set('after', last.uid);
      next = `${baseUrl}${path}?${nextParams}`;
    }
    return new Reply(200, { [key]: slice, next });
  }

  function listAuthorizations(account: string, params: URLSearchParams): Reply {
    const allowed = [
      'uids',
      'utility',
      'is_expired',
      'is_declined',
      'is_revoked',
      'is_archived',
      'after',
      'limit',
    ];
    const bad = checkParams(params, allowed);
    if (bad) return bad;
    const uids = params.get('uids')?.split(',').filter(Boolean);
    const utilities = params.get('utility')?.split(',');
    const flag = (key: string) => (params.has(key) ? params.get(key) === 'true' : null);
    const flags = (['is_expired', 'is_declined', 'is_revoked', 'is_archived'] as const).map(
      (k) => [k, flag(k)] as const,
    );
    const matching = [...authorizations.values()]
      .filter((a) => owners.get(a.uid) === account)
      .filter((a) => !uids || uids.includes(a.uid))
      .filter((a) => !utilities || utilities.includes(a.utility))
      .filter((a) => flags.every(([k, want]) => want === null || a[k] === want))
      .sort((x, y) => y.created.localeCompare(x.created) || y.uid.localeCompare(x.uid));
    return page(matching, params, '/authorizations', 'authorizations');
  }

  function getAuthorization(account: string, uid: string, params: URLSearchParams): Reply {
    const bad = checkParams(params, ['include', 'expand_meter_blocks']);
    if (bad) return bad;
    const found = owners.get(uid) === account ? authorizations.get(uid) : undefined;
    return found ? new Reply(200, found) : new Reply(404, { error: 'not_found' });
  }

  function listEvents(account: string, params: URLSearchParams): Reply {
    const bad = checkParams(params, ['is_delivered', 'after']);
    if (bad) return bad;
    const delivered = params.get('is_delivered');
    const matching = events
      .filter((e) => eventOwners.get(e) === account)
      .filter((e) => delivered === null || e.is_delivered === (delivered === 'true'))
      .sort((x, y) => y.ts.localeCompare(x.ts) || y.uid.localeCompare(x.uid));
    return page(matching, params, '/events', 'events');
  }

  function createForm(account: string, raw: string): Reply {
    let body: unknown;
    try {
      body = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      return invalidParam('the request body must be a JSON object');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return invalidParam('the request body must be a JSON object');
    }
    const fields = body as Record<string, unknown>;
    const allowed = ['template_uid', 'authorization_uid', 'customer_email', 'utility', 'scope'];
    const unknown = Object.keys(fields).find((k) => !allowed.includes(k));
    if (unknown) return invalidParam(`unknown field: ${unknown}`);
    const { authorization_uid = null, customer_email = null, utility = null, scope = {} } = fields;
    if (
      authorization_uid !== null &&
      (typeof authorization_uid !== 'string' || owners.get(authorization_uid) !== account)
    ) {
      return invalidParam('authorization_uid: no such authorization');
    }
    if (customer_email !== null && (typeof customer_email !== 'string' || !EMAIL.test(customer_email))) {
      return invalidParam('customer_email: not a valid email address');
    }
    if (utility !== null && typeof utility !== 'string') return invalidParam('utility must be a string');
    if (typeof scope !== 'object' || scope === null) return invalidParam('scope must be an object');
    const uid = String(500_000 + ++formCount);
    const form: StandInForm = {
      uid,
      url: `${baseUrl}/forms/${uid}/authorize`,
      authorization_uid,
      customer_email: customer_email ?? '',
      utility,
      scope: scope as Record<string, unknown>,
      created: utilityApiTime(new Date()),
    };
    forms.push(form);
    return new Reply(200, { ...form, updated: form.created, is_archived: false, disabled: false });
  }

  function send(res: ServerResponse, reply: Reply): void {
    const payload = reply.body === null ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...(payload ? { 'content-type': 'application/json' } : {}),
      'content-length': Buffer.byteLength(payload),
      ...reply.headers,
    });
    res.end(payload);
  }

  function fillEvent(partial: Partial<StandInEvent>, target: string): StandInEvent {
    return {
      uid: `evt-${++eventCount}`,
      type: 'authorization_update_finished_successful',
      ts: utilityApiTime(new Date()),
      delivery_method: 'webhook',
      delivery_target: target,
      is_delivered: false,
      ...partial,
    };
  }

  function accountApi(accountToken: string): UtilityApiAccount {
    const id = accounts.get(accountToken) ?? '';
    const own = (event: StandInEvent) => {
      eventOwners.set(event, id);
      events.push(event);
      return event;
    };
    return {
      id,
      token: accountToken,

      upsertAuthorization(partial = {}) {
        const existing = partial.uid === undefined ? undefined : authorizations.get(partial.uid);
        if (existing && owners.get(existing.uid) !== id) {
          throw new Error(`utilityapi stand-in: uid ${existing.uid} belongs to another account`);
        }
        const next = existing ? { ...existing, ...partial } : buildUtilityApiAuthorization(partial);
        authorizations.set(next.uid, next);
        owners.set(next.uid, id);
        return structuredClone(next);
      },

      addEvent: (partial = {}) => own(fillEvent(partial, 'https://relink.test/webhooks/utilityapi')),

      /**
       * POSTs a signed batch exactly as UtilityAPI does (hex SHA-256 of `<secret>.<salt>.<body>`, in
       * `X-UtilityAPI-Webhook-Salt` / `-Signature`). `tamper` re-indents the body after signing: same
       * JSON meaning, different bytes, so only a receiver that checks the raw bytes refuses it.
       */
      async deliverWebhook(input) {
        const batch = { events: input.events.map((e) => fillEvent(e, input.url)), next: null };
        const salt = input.salt ?? randomBytes(16).toString('hex');
        const signed = JSON.stringify(batch);
        const signature = createHash('sha256').update(`${input.secret}.${salt}.${signed}`).digest('hex');
        const body = input.tamper ? JSON.stringify(batch, null, 1) : signed;
        const response = await fetch(input.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-utilityapi-webhook-salt': salt,
            'x-utilityapi-webhook-signature': signature,
          },
          body,
        });
        await response.arrayBuffer();
        for (const event of batch.events) own({ ...event, is_delivered: response.status === 200 });
        return response.status;
      },
    };
  }

  return {
    // The first account's token and data; `addAccount` makes more.
    ...accountApi(token),
    forms,
    requests,
    events,

    /** Another account on the same API: its own token, authorizations and events. */
    addAccount(accountToken = `standin-token-${randomBytes(8).toString('hex')}`): UtilityApiAccount {
      if (accounts.has(accountToken)) throw new Error('utilityapi stand-in: that account exists');
      accounts.set(accountToken, `account-${accounts.size + 1}`);
      return accountApi(accountToken);
    },

    /** The next `n` requests, whatever they are, get `status` (429 with `Retry-After` when given). */
    failNext(n: number, status: number, opts: { retryAfterSeconds?: number } = {}): void {
      for (let i = 0; i < n; i++) failures.push({ status, retryAfterSeconds: opts.retryAfterSeconds });
    },

    /** The most requests seen in any one-second window. */
    peakRequestsPerSecond(): number {
      return requests.reduce(
        (peak, r) => Math.max(peak, requests.filter((o) => o.at >= r.at && o.at < r.at + 1000).length),
        0,
      );
    },

    clearRequests(): void {
      requests.length = 0;
    },

    /** Drops failures queued by `failNext` that no request has used up yet. */
    clearFailures(): void {
      failures.length = 0;
    },

    /** Listens on 127.0.0.1 (random port); `url` is the API base to give the client. */
    async start(): Promise<{ url: string }> {
      // 1000 uids in one `uids=` list make a long request line; Node's default header limit is 16 KiB.
      server = createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
        handle(req).then(
          (reply) => send(res, reply),
          () => send(res, new Reply(500, { error: 'stand-in failure' })),
        );
      });
      baseUrl = `${await listenOnLoopback(server)}${BASE_PATH}`;
      return { url: baseUrl };
    },

    async stop(): Promise<void> {
      const s = server;
      server = null;
      await closeNow(s);
    },
  };
}

export type UtilityApiStandIn = ReturnType<typeof createUtilityApiStandIn>;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
