import type { App, ReceiverEvent } from '@slack/bolt';
import type { Metrics } from '../metrics/metrics';

/** The request's kind without its content: `block_actions`, `view_submission`, `slash_command`, `event_callback`. */
const kindOf = (body: ReceiverEvent['body']): string =>
  typeof body.type === 'string' ? body.type : typeof body.command === 'string' ? 'slash_command' : 'other';

/**
 * Times every Slack request from the moment the receiver hands it to Bolt (signature checked) to its
 * ack, in both HTTP and Socket Mode. Bolt copies its middleware arguments, so a middleware cannot wrap
 * `ack`; the receiver's event, passed to `processEvent`, is the one place every ack goes through.
 */
export function timeAcks(app: App, metrics: Pick<Metrics, 'observeAck'>): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event: ReceiverEvent) => {
    const started = performance.now();
    const kind = kindOf(event.body);
    let timed = false;
    const ack: ReceiverEvent['ack'] = async (response) => {
      if (!timed) {
        timed = true;
        metrics.observeAck(kind, (performance.now() - started) / 1000);
      }
      return event.ack(response);
    };
    return processEvent({ ...event, ack });
  };
}
