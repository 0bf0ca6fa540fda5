import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { BlockKitProblem } from './block-kit-validator';
import type { RecordedCall, SlackArgs } from './slack-standin';
import type { StandinOAuth } from './slack-standin-oauth';
import type { StandinState } from './slack-standin-state';

/*
 * The Slack stand-in's HTTP side: how a Web API request is read (form or JSON body, token), and how
 * Slack answers it (ok/error bodies, 429 with Retry-After, 5xx, a dropped connection).
 * Source: https://docs.slack.dev/apis/web-api/
 */

type Json = Record<string, unknown>;

/** Who a Web API call came from: the token's workspace and bot (the configured token's, or one issued by OAuth). */
export interface SlackCaller {
  token: string;
  teamId: string;
  botUserId: string;
  botId: string;
}

export type SlackMethod = (args: SlackArgs, caller: SlackCaller) => Json;

/** What a method throws to answer `ok: false` with Slack's error name and its explanation. */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly messages: string[] = [],
    /** Top-level fields Slack adds to some errors, e.g. `needed` and `provided` for missing_scope. */
    readonly extra: Json = {},
  ) {
    super(error);
  }
}

/** Slack's `response_metadata.messages` wording for Block Kit problems. */
export const slackMessages = (problems: BlockKitProblem[]): string[] =>
  problems.map((p) => `[ERROR] ${p.message} [json-pointer:${p.path}]`);

export const optionalString = (args: SlackArgs, key: string): string | undefined => {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw new SlackApiError('invalid_arguments', [`[ERROR] ${key} must be a string`]);
  return v;
};

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata'];

interface ParsedRequest {
  args: SlackArgs;
  transport: RecordedCall['transport'];
  bodyToken?: string;
  error?: string;
}

function parseRequest(headers: IncomingHttpHeaders, raw: string): ParsedRequest {
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const args: SlackArgs = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      args[key] = value;
      if (JSON_FIELDS.includes(key)) {
        try {
          args[key] = JSON.parse(value);
        } catch {
          // Left as the raw string; the method answers with its own format error.
        }
      }
    }
    const { token, ...rest } = args;
    return { args: rest, transport: 'form', bodyToken: typeof token === 'string' ? token : undefined };
  }
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isObject(parsed)) {
        // Slack ignores a token inside a JSON body: JSON callers must use the Authorization header.
        const { token: _ignored, ...rest } = parsed;
        return { args: rest, transport: 'json' };
      }
    } catch {
      // fall through
    }
    return { args: {}, transport: 'json', error: 'invalid_json' };
  }
  return { args: {}, transport: 'other', error: 'invalid_post_type' };
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/** Records the answer on the call, then sends it. */
function answer(res: ServerResponse, call: RecordedCall, status: number, body: Json, headers = {}): void {
  call.status = status;
  call.ok = body.ok === true;
  if (typeof body.error === 'string') call.error = body.error;
  call.response = body;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

const fail = (
  res: ServerResponse,
  call: RecordedCall,
  error: string,
  messages: string[] = [],
  extra: Json = {},
) =>
  answer(res, call, 200, {
    ok: false,
    error,
    ...extra,
    ...(messages.length ? { response_metadata: { messages } } : {}),
  });

/**
 * Slack's per-channel posting rate (https://docs.slack.dev/apis/web-api/rate-limits: chat.postMessage,
 * about one message per second per channel): a post sooner than the interval after the channel's last
 * accepted one is refused. The accepted post's arrival starts the next interval.
 */
function postsTooSoon(state: StandinState, method: string, args: Record<string, unknown>): boolean {
  const interval = state.channelPostIntervalMs;
  if (interval === null || method !== 'chat.postMessage' || typeof args.channel !== 'string') return false;
  const now = state.now();
  const last = state.lastPostAt.get(args.channel);
  if (last !== undefined && now - last < interval) return true;
  state.lastPostAt.set(args.channel, now);
  return false;
}

/** Serves `/api/<method>`: records the call, applies outages and queued failures, checks the token. */
export function webApiHandler(
  state: StandinState,
  methods: Record<string, SlackMethod>,
  botToken: string,
  oauth?: Pick<StandinOAuth, 'tokenless' | 'tokenError' | 'forIssuedToken' | 'callerOf'>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const method = path.startsWith('/api/') ? path.slice('/api/'.length) : path;
    const parsed = parseRequest(req.headers, raw);
    const call: RecordedCall = {
      method,
      args: parsed.args,
      transport: parsed.transport,
      at: state.now(),
      status: 0,
      ok: false,
    };
    state.calls.push(call);
    const tokenless = oauth?.tokenless[method];
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? parsed.bodyToken;
    const caller =
      token === botToken ? state.configuredCaller(token) : token ? oauth?.callerOf(token) : undefined;
    // Recorded even when the call fails or the token is refused: a test can tell which workspace tried.
    if (token) call.token = token;
    if (caller) call.teamId = caller.teamId;

    if (state.down === 'reset') {
      req.socket.destroy();
      return;
    }
    if (state.down === 'unavailable') {
      return answer(res, call, 503, { ok: false, error: 'service_unavailable' });
    }

    let failure = state.takeFailure(method);
    if (failure && 'delayMs' in failure) {
      const { delayMs } = failure;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      failure = undefined;
    }
    if (failure && 'status' in failure) {
      if (failure.status === 429) {
        const retryAfter = { 'retry-after': String(failure.retryAfterSeconds) };
        return answer(res, call, 429, { ok: false, error: 'ratelimited' }, retryAfter);
      }
      return answer(res, call, failure.status, { ok: false, error: 'internal_error' });
    }
    if (failure) return fail(res, call, failure.error, failure.messages);

    if (req.method !== 'POST')
      return fail(res, call, 'invalid_request', ['[ERROR] the stand-in accepts POST only']);
    if (!token && !tokenless) return fail(res, call, 'not_authed');
    // Besides the configured bot token, the tokens the stand-in issued through OAuth (not yet revoked).
    const tokenError = !token || token === botToken ? null : oauth ? oauth.tokenError(token) : 'invalid_auth';
    if (tokenError && !tokenless) return fail(res, call, tokenError);
    if (parsed.error) return fail(res, call, parsed.error);

    const handler: SlackMethod | undefined = tokenless
      ? (args) => tokenless(args, { authorization: req.headers.authorization })
      : ((token ? oauth?.forIssuedToken(method, token) : undefined) ?? methods[method]);
    if (!handler) return fail(res, call, 'unknown_method');
    if (postsTooSoon(state, method, parsed.args)) {
      return answer(res, call, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
    }
    try {
      // A tokenless method (oauth.v2.access) ignores the caller; every other call here has a valid token.
      answer(res, call, 200, {
        ok: true,
        ...handler(parsed.args, caller ?? state.configuredCaller(botToken)),
      });
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      fail(res, call, err.error, err.messages, err.extra);
    }
  };
}
