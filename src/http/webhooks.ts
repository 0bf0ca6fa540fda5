import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
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
import type { Inbox } from '../store/inbox';
import { HttpError, parseJson, readRawBody, sendJson } from './body';
import type { Route } from './server';

export interface WebhookDeps {
  inbox: Inbox;
  clock: () => Date;
  log: Logger;
  /** Called after events are stored, to process them now rather than at the next job run. */
  onStored: () => void;
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const EventEnvelope = z.looseObject({ id: z.string().min(1).max(200), type: z.string().min(1).max(100) });

const notConfigured = (variable: string) => new HttpError(503, `webhook not configured: set ${variable}`);

/**
 * `POST /webhooks/utilityapi`: signature first (on the raw bytes), then JSON, then the inbox. The
 * answer is sent once events are stored; processing (an API re-fetch) happens after.
 */
export function utilityApiWebhookRoute(deps: WebhookDeps & { secret: string | null }): Route {
  const log = deps.log.child({ route: 'webhooks/utilityapi' });
  return {
    method: 'POST',
    path: '/webhooks/utilityapi',
    handler: async (req, res) => {
      if (!deps.secret) throw notConfigured('UTILITYAPI_WEBHOOK_SECRET');
      const rawBody = await readRawBody(req);
      const signed = verifyUtilityApiSignature({
        secret: deps.secret,
        salt: header(req, UTILITYAPI_SALT_HEADER),
        signature: header(req, UTILITYAPI_SIGNATURE_HEADER),
        rawBody,
      });
      if (!signed) throw new HttpError(401, 'invalid or missing UtilityAPI webhook signature');
      let batch: ReturnType<typeof parseUtilityApiWebhook>;
      try {
        batch = parseUtilityApiWebhook(parseJson(rawBody));
      } catch (err) {
        if (err instanceof UtilityApiWebhookError)
          throw new HttpError(400, 'invalid webhook body', err.issues);
        throw err;
      }
      const result = await deps.inbox.store(
        batch.events.map((event) => ({
          source: 'utilityapi',
          eventId: event.uid,
          type: event.type,
          payload: event,
        })),
        deps.clock(),
      );
      log.info({ ...result, events: batch.events.length }, 'utilityapi webhook stored');
      sendJson(res, 200, result);
      if (result.stored > 0) deps.onStored();
    },
  };
}

/** `POST /webhooks/events`: normalized events from other platforms, HMAC-signed with a 5-minute window. */
export function genericWebhookRoute(deps: WebhookDeps & { secret: string | null }): Route {
  const log = deps.log.child({ route: 'webhooks/events' });
  return {
    method: 'POST',
    path: '/webhooks/events',
    handler: async (req, res) => {
      if (!deps.secret) throw notConfigured('WEBHOOK_SIGNING_SECRET');
      const rawBody = await readRawBody(req);
      const check = verifyRelinkSignature({
        header: header(req, RELINK_SIGNATURE_HEADER),
        rawBody,
        secret: deps.secret,
        now: deps.clock(),
      });
      if (!check.ok) throw new HttpError(401, `signature ${check.reason}`);
      const body = parseJson(rawBody);
      const envelope = EventEnvelope.safeParse(body);
      if (!envelope.success) throw new HttpError(400, 'invalid event', describeZodIssues(envelope.error));
      // A type we do not know yet is stored and acknowledged: the sender must not retry it forever.
      const parsed =
        envelope.data.type === 'authorization.updated' ? GenericAuthorizationEvent.safeParse(body) : null;
      if (parsed && !parsed.success)
        throw new HttpError(400, 'invalid event', describeZodIssues(parsed.error));
      const event = { ...envelope.data, ...(parsed?.data ?? (body as object)) };
      const result = await deps.inbox.store(
        [{ source: 'webhook', eventId: event.id, type: event.type, payload: event }],
        deps.clock(),
      );
      log.info({ ...result, eventId: event.id }, 'event stored');
      sendJson(res, 200, result);
      if (result.stored > 0) deps.onStored();
    },
  };
}

/** `POST /webhooks/sendgrid`: SendGrid's Event Webhook (delivered, opened, bounced …), ECDSA-signed. */
export function sendgridWebhookRoute(deps: WebhookDeps & { publicKey: string | null }): Route {
  const log = deps.log.child({ route: 'webhooks/sendgrid' });
  return {
    method: 'POST',
    path: '/webhooks/sendgrid',
    handler: async (req, res) => {
      if (!deps.publicKey) throw notConfigured('SENDGRID_WEBHOOK_PUBLIC_KEY');
      const rawBody = await readRawBody(req);
      const signed = verifySendgridSignature({
        publicKey: deps.publicKey,
        signature: header(req, SendgridWebhookHeader.signature) ?? '',
        timestamp: header(req, SendgridWebhookHeader.timestamp) ?? '',
        rawBody,
        now: deps.clock(),
      });
      if (!signed) throw new HttpError(401, 'invalid or missing SendGrid signature');
      let events: ReturnType<typeof parseSendgridEvents>;
      try {
        events = parseSendgridEvents(parseJson(rawBody));
      } catch (err) {
        if (err instanceof HttpError) throw err;
        throw new HttpError(400, 'invalid SendGrid event batch');
      }
      const result = await deps.inbox.store(
        events.map((event) => ({
          source: 'sendgrid',
          eventId: event.sg_event_id,
          type: event.event,
          payload: event,
        })),
        deps.clock(),
      );
      log.info({ ...result, events: events.length }, 'sendgrid events stored');
      sendJson(res, 200, result);
      if (result.stored > 0) deps.onStored();
    },
  };
}
