import type { Mailer } from '../email/mailer';
import type { Metrics } from './metrics';

/**
 * The mailer, counting each send: `sent` once SendGrid accepted it, `failed` when it refused it or
 * gave no answer in time (SendGrid's event may still show it went out; see reauth/send-outcomes.ts).
 */
export function countedMailer(mailer: Mailer, metrics: Pick<Metrics, 'email'>): Mailer {
  return {
    timeoutMs: mailer.timeoutMs,
    async send(message) {
      try {
        const result = await mailer.send(message);
        metrics.email('sent');
        return result;
      } catch (err) {
        metrics.email('failed');
        throw err;
      }
    },
  };
}

/**
 * A SendGrid event handler (email/delivery-reports.ts), counting the events that marked a request
 * bounced: its outcome is `status_bounced` exactly once per request, so a redelivered event is not
 * counted twice.
 */
export function countedBounces<Args extends unknown[]>(
  apply: (...args: Args) => Promise<string>,
  metrics: Pick<Metrics, 'email'>,
): (...args: Args) => Promise<string> {
  return async (...args) => {
    const outcome = await apply(...args);
    if (outcome === 'status_bounced') metrics.email('bounced');
    return outcome;
  };
}
