import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { SINGLE_WORKSPACE_ID } from '../domain/workspace';
import { parseSendgridEvents, SendgridWebhookHeader, verifySendgridSignature } from '../email/event-webhook';
import type { Logger } from '../logger';
import {
  describeZodIssues,
  GenericAuthorizationEvent,
  RELINK_SIGNATURE_HEADER,
  verifyRelinkSignature,
} from '../platforms/generic/webhook';
import {
  parseUtilityApiWebhook,
  UTILITYAPI_SALT_HEADER,
  UTILITYAPI_SIGNATURE_HEADER,
  UtilityApiWebhookError,
  verifyUtilityApiSignature,
} from '../platforms/utilityapi/webhook';
import { type Database, isDatabaseUnavailable } from '../store/database';
import type { Inbox, IncomingEvent } from '../store/inbox';
import { HttpError, parseJson, readRawBody, sendJson } from './body';
import type { Route } from './server';

export interface WebhookDeps {
  inbox: Inbox;
  clock: () => Date;
  log: Logger;
  /** While it says no, events are refused with 503 at once: the platform retries later. */
  database: Pick<Database, 'isAvailable'>;
}

/** Seconds a platform is asked to wait after a 503: the embedded database restarts within seconds. */
export const RETRY_AFTER_SECONDS = 30;

/** What differs between webhooks; everything else is {@link webhookRoute}'s fixed order. */
interface WebhookSpec {
  path: string;
  /** The variable that configures verification; without it the route answers 503. */
  variable: string;
  configured: boolean;
  /** Throws HttpError 401 unless `rawBody` is signed for this request. */
  verify(req: IncomingMessage, rawBody: Buffer): void;
  /** Throws HttpError 400 on a body that is not this webhook's shape. */
  parse(rawBody: Buffer): IncomingEvent[];
}

/**
 * Every webhook: the signature on the raw bytes first, then the body, then the inbox. The answer is sent
 * once the events are stored (never 200 for an event that was not), and processing happens after.
 */
function webhookRoute(deps: WebhookDeps, spec: WebhookSpec): Route {
  const log = deps.log.child({ route: spec.path });
  return {
    method: 'POST',
    path: spec.path,
    handler: async (req, res) => {
      if (!spec.configured) throw new HttpError(503, `webhook not configured: set ${spec.variable}`);
      const rawBody = await readRawBody(req);
      spec.verify(req, rawBody);
      const events = spec.parse(rawBody);
      const result = await whileDatabaseUp(deps, res, () => deps.inbox.store(events, deps.clock()));
      log.info({ ...result, events: events.length }, 'webhook events stored');
      // Stored events are processed at once: the inbox announces them (src/flows/steps.ts).
      sendJson(res, 200, result);
    },
  };
}

/**
 * Runs a database step of a webhook, or answers 503 with Retry-After when the database cannot serve it
 * (restarting, failing over): the platform delivers again later, and the inbox's unique key makes a
 * delivery that was stored after all a duplicate then, so nothing is lost and nothing is stored twice.
 */
async function whileDatabaseUp<T>(
  deps: WebhookDeps,
  res: ServerResponse,
  work: () => Promise<T>,
): Promise<T> {
  const refuse = () => {
    res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    return new HttpError(503, 'database unavailable, try again later');
  };
  if (!deps.database.isAvailable()) throw refuse();
  try {
    return await work();
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw refuse();
    throw err;
  }
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** `POST /webhooks/utilityapi`: single-workspace mode's account, signed with UTILITYAPI_WEBHOOK_SECRET. */
export function utilityApiWebhookRoute(deps: WebhookDeps & { secret: string | null }): Route {
  return webhookRoute(
    deps,
    utilityApiSpec('/webhooks/utilityapi', { workspaceId: SINGLE_WORKSPACE_ID, secret: deps.secret }),
  );
}

/** A workspace's UtilityAPI account as its webhook URL finds it: the secret verifies, the id owns the events. */
export interface WebhookAccount {
  workspaceId: string;
  secret: string;
}

export const WORKSPACE_UTILITYAPI_WEBHOOK_PREFIX = '/webhooks/utilityapi/';

/**
 * `POST /webhooks/utilityapi/<path>`: the URL a workspace pastes into UtilityAPI from its Settings. The
 * path is unguessable and names the workspace; its own secret verifies the signature, so one workspace
 * can never post into another's inbox.
 */
export function workspaceUtilityApiWebhookRoute(
  deps: WebhookDeps & { accountAt: (webhookPath: string) => Promise<WebhookAccount | null> },
): Route {
  return {
    method: 'POST',
    path: WORKSPACE_UTILITYAPI_WEBHOOK_PREFIX,
    prefix: true,
    handler: async (req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const webhookPath = path.slice(WORKSPACE_UTILITYAPI_WEBHOOK_PREFIX.length);
      const account = await whileDatabaseUp(deps, res, () => deps.accountAt(webhookPath));
      if (!account) throw new HttpError(404, 'not found');
      await webhookRoute(deps, utilityApiSpec(WORKSPACE_UTILITYAPI_WEBHOOK_PREFIX, account)).handler(
        req,
        res,
      );
    },
  };
}

function utilityApiSpec(path: string, account: { workspaceId: string; secret: string | null }): WebhookSpec {
  const { secret, workspaceId } = account;
  return {
    path,
    variable: 'UTILITYAPI_WEBHOOK_SECRET',
    configured: secret !== null,
    verify(req, rawBody) {
      const signed = verifyUtilityApiSignature({
        secret: secret ?? '',
        salt: header(req, UTILITYAPI_SALT_HEADER),
        signature: header(req, UTILITYAPI_SIGNATURE_HEADER),
        rawBody,
      });
      if (!signed) throw new HttpError(401, 'invalid or missing UtilityAPI webhook signature');
    },
    parse(rawBody) {
      try {
        return parseUtilityApiWebhook(parseJson(rawBody)).events.map((event) => ({
          workspaceId,
          source: 'utilityapi',
          eventId: event.uid,
          type: event.type,
          payload: event,
        }));
      } catch (err) {
        if (err instanceof UtilityApiWebhookError)
          throw new HttpError(400, 'invalid webhook body', err.issues);
        throw err;
      }
    },
  };
}

const EventEnvelope = z.looseObject({ id: z.string().min(1).max(200), type: z.string().min(1).max(100) });

/** `POST /webhooks/events`: normalized events from other platforms, HMAC-signed with a 5-minute window. */
export function genericWebhookRoute(deps: WebhookDeps & { secret: string | null }): Route {
  const { secret } = deps;
  return webhookRoute(deps, {
    path: '/webhooks/events',
    variable: 'WEBHOOK_SIGNING_SECRET',
    configured: secret !== null,
    verify(req, rawBody) {
      const check = verifyRelinkSignature({
        header: header(req, RELINK_SIGNATURE_HEADER),
        rawBody,
        secret: secret ?? '',
        now: deps.clock(),
      });
      if (!check.ok) throw new HttpError(401, `signature ${check.reason}`);
    },
    parse(rawBody) {
      const body = parseJson(rawBody);
      const envelope = EventEnvelope.safeParse(body);
      if (!envelope.success) throw new HttpError(400, 'invalid event', describeZodIssues(envelope.error));
      // A type we do not know yet is stored and acknowledged: the sender must not retry it forever.
      const parsed =
        envelope.data.type === 'authorization.updated' ? GenericAuthorizationEvent.safeParse(body) : null;
      if (parsed && !parsed.success)
        throw new HttpError(400, 'invalid event', describeZodIssues(parsed.error));
      const event = { ...envelope.data, ...(parsed?.data ?? (body as object)) };
      return [
        {
          workspaceId: SINGLE_WORKSPACE_ID,
          source: 'webhook',
          eventId: event.id,
          type: event.type,
          payload: event,
        },
      ];
    },
  });
}

/** `POST /webhooks/sendgrid`: SendGrid's Event Webhook (delivered, opened, bounced …), ECDSA-signed. */
export function sendgridWebhookRoute(deps: WebhookDeps & { publicKey: string | null }): Route {
  const { publicKey } = deps;
  return webhookRoute(deps, {
    path: '/webhooks/sendgrid',
    variable: 'SENDGRID_WEBHOOK_PUBLIC_KEY',
    configured: publicKey !== null,
    verify(req, rawBody) {
      const signed = verifySendgridSignature({
        publicKey: publicKey ?? '',
        signature: header(req, SendgridWebhookHeader.signature) ?? '',
        timestamp: header(req, SendgridWebhookHeader.timestamp) ?? '',
        rawBody,
        now: deps.clock(),
      });
      if (!signed) throw new HttpError(401, 'invalid or missing SendGrid signature');
    },
    parse(rawBody) {
      let events: ReturnType<typeof parseSendgridEvents>;
      try {
        events = parseSendgridEvents(parseJson(rawBody));
      } catch (err) {
        if (err instanceof HttpError) throw err;
        throw new HttpError(400, 'invalid SendGrid event batch');
      }
      // relink's own SendGrid account: each event names its request, which names its workspace.
      return events.map((event) => ({
        workspaceId: null,
        source: 'sendgrid',
        eventId: event.sg_event_id,
        type: event.event,
        payload: event,
      }));
    },
  });
}
