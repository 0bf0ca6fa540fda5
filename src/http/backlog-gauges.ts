import type { Backlog } from '../metrics/backlogs';
import type { Inbox } from '../store/inbox';
import type { Outbox } from '../store/outbox';
import type { RequestStore } from '../store/requests';

/**
 * The backlogs worth alerting on: events not yet processed, effects not yet in Slack, emails not yet
 * sent. Counted by the backlog sampler on its timer, never per scrape (see src/metrics/backlogs.ts).
 */
export const backlogGauges = (deps: { inbox: Inbox; outbox: Outbox; requests: RequestStore }): Backlog[] => [
  {
    name: 'relink_inbox_pending',
    help: 'Webhook events stored but not yet processed.',
    read: () => deps.inbox.pendingCount(),
  },
  {
    name: 'relink_inbox_poisoned',
    help: 'Webhook events given up on after repeated failures.',
    read: () => deps.inbox.poisonedCount(),
  },
  {
    name: 'relink_outbox_pending',
    help: 'Effects not yet published to Slack.',
    read: () => deps.outbox.countPending(),
  },
  {
    name: 'relink_outbox_parked',
    help: 'Effects Slack refused for good, parked until retried (see the log for each reason).',
    read: () => deps.outbox.countParked(),
  },
  {
    name: 'relink_requests_queued',
    help: 'Reauth requests waiting to be sent.',
    read: () => deps.requests.countByStatus('queued'),
  },
  {
    name: 'relink_requests_failed',
    help: 'Reauth requests that failed and wait for Retry.',
    read: () => deps.requests.countByStatus('failed'),
  },
];
