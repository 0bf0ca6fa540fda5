import { HttpError } from '../http/body';
import type { Route } from '../http/server';
import type { Metrics, WebhookOutcome, WebhookSource } from './metrics';

/** Which platform a webhook path belongs to; the workspace UtilityAPI URLs share the prefix. */
export function webhookSourceOf(path: string): WebhookSource {
  if (path.startsWith('/webhooks/utilityapi')) return 'utilityapi';
  return path === '/webhooks/sendgrid' ? 'sendgrid' : 'webhook';
}

/** What the answer said: accepted (stored or a duplicate), unauthorized, rejected, unavailable, error. */
export function webhookOutcomeOf(status: number): WebhookOutcome {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 401) return 'unauthorized';
  if (status === 503) return 'unavailable';
  return status >= 500 ? 'error' : 'rejected';
}

/**
 * A webhook route that counts each delivery by source and outcome. It wraps the route from outside,
 * reading the answer's status (or the HttpError that becomes it), so the routes stay unaware of metrics.
 */
export function countedWebhook(route: Route, metrics: Pick<Metrics, 'webhookReceived'>): Route {
  const source = webhookSourceOf(route.path);
  return {
    ...route,
    handler: async (req, res) => {
      try {
        await route.handler(req, res);
        metrics.webhookReceived(source, webhookOutcomeOf(res.statusCode));
      } catch (err) {
        metrics.webhookReceived(source, webhookOutcomeOf(err instanceof HttpError ? err.status : 500));
        throw err;
      }
    },
  };
}
