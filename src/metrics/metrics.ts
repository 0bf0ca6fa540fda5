import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Where a webhook came from, as the routes in src/http/webhooks.ts name them. */
export type WebhookSource = 'utilityapi' | 'webhook' | 'sendgrid';
/** What became of one webhook request: accepted (stored, or a duplicate), refused, or failed on our side. */
export type WebhookOutcome = 'accepted' | 'rejected' | 'unauthorized' | 'unavailable' | 'error';
export type EmailOutcome = 'sent' | 'failed' | 'bounced';

/**
 * What relink counts, as calls. Code that does the work calls these; only this module knows
 * prom-client, metric names and labels. Every method is cheap and synchronous: it only bumps memory.
 */
export interface Metrics {
  /** The registry `/metrics` serializes; the backlog gauges join it (src/metrics/backlogs.ts). */
  readonly registry: Registry;
  webhookReceived(source: WebhookSource, outcome: WebhookOutcome): void;
  /** When this process last accepted a webhook from `source`; null if not since it started (setup page). */
  lastWebhookAt(source: WebhookSource): Date | null;
  /** A notice (incident, warning, digest) or a thread reply under one was posted to Slack. */
  noticePosted(kind: 'notice' | 'reply'): void;
  /** A notice already in Slack was edited in place (chat.update). */
  noticeUpdated(): void;
  /** A Slack Web API call failed: `error` is Slack's code, `http_<status>` or `slack_unreachable`. */
  slackApiError(method: string, error: string): void;
  email(outcome: EmailOutcome): void;
  reminderSent(): void;
  /** Seconds from receiving a Slack interaction to acknowledging it (Slack's deadline is 3 s). */
  observeAck(kind: string, seconds: number): void;
  /** Times `work` as job `job`; rethrows what it throws, after counting it as `outcome="failed"`. */
  timeJob<T>(job: string, work: () => Promise<T>): Promise<T>;
  /** When a run of `job` last succeeded in this process; null if none has since it started. */
  lastJobSuccessAt(job: string): Date | null;
}

/**
 * Builds relink's metrics on a registry of their own (never prom-client's global one), so each
 * relink, and each test, counts from zero. Process metrics (CPU, memory, event loop lag, GC) keep
 * their standard names (`process_*`, `nodejs_*`), so existing dashboards work; they are on
 * unless `processMetrics: false`.
 */
export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const webhooks = new Counter({
    name: 'relink_webhooks_received_total',
    help: 'Webhook requests received, by source and outcome.',
    labelNames: ['source', 'outcome'] as const,
    registers,
  });
  const lastAccepted = new Gauge({
    name: 'relink_webhook_last_accepted_seconds',
    help: 'When this process last accepted a webhook from each source (Unix time).',
    labelNames: ['source'] as const,
    registers,
  });
  const lastAt = new Map<WebhookSource, Date>();
  const posted = new Counter({
    name: 'relink_notices_posted_total',
    help: 'Notices (incidents, expiry warnings, digests) and thread replies posted to Slack.',
    labelNames: ['kind'] as const,
    registers,
  });
  const updated = new Counter({
    name: 'relink_notices_updated_total',
    help: 'Notices edited in place in Slack.',
    registers,
  });
  const slackErrors = new Counter({
    name: 'relink_slack_api_errors_total',
    help: 'Slack Web API calls that failed, by method and error.',
    labelNames: ['method', 'error'] as const,
    registers,
  });
  const emails = new Counter({
    name: 'relink_emails_total',
    help: 'Reauth emails by outcome: sent (accepted by SendGrid), failed (refused), bounced (reported by SendGrid).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const reminders = new Counter({
    name: 'relink_reminders_sent_total',
    help: 'Reminder emails sent to customers who had not reauthorized yet.',
    registers,
  });
  const acks = new Histogram({
    name: 'relink_slack_ack_seconds',
    help: 'Time from receiving a Slack interaction to acknowledging it; Slack gives up at 3 s.',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers,
  });
  const jobs = new Histogram({
    name: 'relink_job_duration_seconds',
    help: 'How long each run of a step (src/flows/steps.ts) took, by job and outcome.',
    labelNames: ['job', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers,
  });
  const lastSuccess = new Gauge({
    name: 'relink_job_last_success_seconds',
    help: 'When each job last ran to completion in this process (Unix time).',
    labelNames: ['job'] as const,
    registers,
  });
  const lastSuccessAt = new Map<string, Date>();
  for (const outcome of ['sent', 'failed', 'bounced'] as const) emails.labels({ outcome }).inc(0);

  return {
    registry,
    webhookReceived(source, outcome) {
      webhooks.labels({ source, outcome }).inc();
      if (outcome !== 'accepted') return;
      const now = new Date();
      lastAt.set(source, now);
      lastAccepted.labels({ source }).set(now.getTime() / 1000);
    },
    lastWebhookAt: (source) => lastAt.get(source) ?? null,
    noticePosted: (kind) => posted.labels({ kind }).inc(),
    noticeUpdated: () => updated.inc(),
    slackApiError: (method, error) => slackErrors.labels({ method, error }).inc(),
    email: (outcome) => emails.labels({ outcome }).inc(),
    reminderSent: () => reminders.inc(),
    observeAck: (kind, seconds) => acks.labels({ kind }).observe(seconds),
    async timeJob(job, work) {
      const end = jobs.startTimer({ job });
      try {
        const result = await work();
        end({ outcome: 'ok' });
        const now = new Date();
        lastSuccessAt.set(job, now);
        lastSuccess.labels({ job }).set(now.getTime() / 1000);
        return result;
      } catch (err) {
        end({ outcome: 'failed' });
        throw err;
      }
    },
    lastJobSuccessAt: (job) => lastSuccessAt.get(job) ?? null,
  };
}
