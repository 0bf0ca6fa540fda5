import type { Backlog } from '../metrics/backlogs';
import type { Inbox } from '../store/inbox';
import type { Outbox } from '../store/outbox';
import type { Worklist } from '../worklist/worklist';

/**
 * The backlogs worth alerting on: events not yet processed, effects not yet in Slack, emails not yet
 * sent. Counted by the backlog sampler on its timer, never per scrape (see src/metrics/backlogs.ts).
 */
export const backlogGauges = (deps: { inbox: Inbox; outbox: Outbox; worklist: Worklist }): Backlog[] => [
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
    help: "Reauth requests waiting to be sent (each authorization's latest).",
    // From the in-memory worklist: counting `requests` reads the whole collection on FerretDB.
    read: () => deps.worklist.latestRequestsIn('queued'),
  },
  {
    name: 'relink_requests_failed',
    help: "Reauth requests that failed and wait for Retry (each authorization's latest).",
    read: () => deps.worklist.latestRequestsIn('failed'),
  },
];
