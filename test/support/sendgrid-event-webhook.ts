import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/*
 * SendGrid's Event Webhook as the SendGrid stand-in sends it: JSON arrays of events, signed with ECDSA
 * P-256 over `timestamp + body` (headers X-Twilio-Email-Event-Webhook-Signature / -Timestamp), custom
 * args as top-level fields, delivered at least once and retried until the receiver answers 2xx.
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
 */

export type SendgridEventName =
  | 'processed'
  | 'delivered'
  | 'deferred'
  | 'bounce'
  | 'dropped'
  | 'open'
  | 'spamreport'
  | 'unsubscribe';

export interface SendgridEventTarget {
  /** Where the events go: relink's `POST /webhooks/sendgrid`. */
  url: string;
  /** Which events each accepted message produces, in order; default processed, then delivered. */
  events?: SendgridEventName[];
  /** How long after a failed post (connection refused, non-2xx) it is tried again; default 200 ms. */
  retryEveryMs?: number;
}

/** One post the webhook made, and what the receiver answered (0: no answer, e.g. relink was down). */
export interface PostedEventBatch {
  events: Record<string, unknown>[];
  status: number;
}

/** The message an event is about, as the stand-in accepted it. */
export interface EventSubject {
  messageId: string;
  to: string;
  customArgs: Record<string, string>;
}

// SendGrid stops retrying after 24 hours; tests stop long before that.
const MAX_TRIES = 300;

export function createSendgridEventWebhook(now: () => number) {
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKey = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  let target: SendgridEventTarget | null = null;
  const posted: PostedEventBatch[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const event = (name: SendgridEventName, subject: EventSubject): Record<string, unknown> => ({
    email: subject.to,
    timestamp: Math.floor(now() / 1000),
    event: name,
    sg_event_id: randomBytes(16).toString('base64url'),
    // The X-Message-Id the send returned, plus SendGrid's own suffix.
    sg_message_id: `${subject.messageId}.recvd-${randomBytes(4).toString('hex')}-1-0`,
    ...subject.customArgs,
  });

  /** Posts one signed batch once; the receiver's status, or 0 when it could not be reached. */
  async function post(url: string, events: Record<string, unknown>[]): Promise<number> {
    const body = JSON.stringify(events);
    const timestamp = String(Math.floor(now() / 1000));
    const signature = sign('sha256', Buffer.from(timestamp + body), {
      key: keys.privateKey,
      dsaEncoding: 'der',
    }).toString('base64');
    let status = 0;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-twilio-email-event-webhook-signature': signature,
          'x-twilio-email-event-webhook-timestamp': timestamp,
        },
        body,
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 0;
    }
    posted.push({ events, status });
    return status;
  }

  /** Posts `events` until the receiver takes them (2xx), as SendGrid retries failed posts. */
  function deliver(events: Record<string, unknown>[], retryEveryMs: number, tries = 1): void {
    const url = target?.url;
    if (!url || stopped) return;
    void post(url, events).then((status) => {
      if ((status >= 200 && status < 300) || stopped || tries >= MAX_TRIES) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        deliver(events, retryEveryMs, tries + 1);
      }, retryEveryMs);
      timers.add(timer);
    });
  }

  return {
    publicKey,
    get posted(): readonly PostedEventBatch[] {
      return posted;
    },
    setTarget(next: SendgridEventTarget | null): void {
      target = next;
    },
    /** A message was accepted: its events go out, each batch on its own, in order. */
    accepted(subject: EventSubject): void {
      if (!target) return;
      const retryEveryMs = target.retryEveryMs ?? 200;
      for (const name of target.events ?? ['processed', 'delivered']) {
        deliver([event(name, subject)], retryEveryMs);
      }
    },
    /** Posts `name` for `subject` once, now (a test's own report: a bounce, a late event). */
    postNow: (name: SendgridEventName, subject: EventSubject): Promise<number> => {
      if (!target) throw new Error('sendgrid stand-in: no event webhook target set');
      return post(target.url, [event(name, subject)]);
    },
    stop(): void {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
    reset(): void {
      posted.length = 0;
    },
  };
}
