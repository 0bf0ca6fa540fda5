import type { ExpiryChecks } from '../ingest/expiry-checks';
import type { InboxProcessor } from '../ingest/inbox-processor';
import type { Reminders } from '../reauth/reminders';
import type { RequestSender } from '../reauth/request-sender';
import type { NoticePublisher } from '../slack/notice-publisher';
import type { AuthorizationStore } from '../store/authorizations';
import type { Inbox } from '../store/inbox';
import type { Retention } from '../store/retention';
import type { StepBodies } from './flows';

// A revision older than this with no applied mark was interrupted by a crash; see store/authorizations.ts.
const REPAIR_AFTER_MS = 30_000;

/** What the steps run (steps.ts says when): each body is a service's one call. */
export interface StepServices {
  authorizations: Pick<AuthorizationStore, 'repairUnapplied'>;
  inbox: Pick<Inbox, 'requeueOrphans'>;
  inboxProcessor: Pick<InboxProcessor, 'drain'>;
  sender: Pick<RequestSender, 'sendDue' | 'completeResolved'>;
  reminders: Pick<Reminders, 'remindDue'>;
  expiry: ExpiryChecks;
  reconcile: () => Promise<unknown>;
  retention: Pick<Retention, 'prune'>;
  clock: () => Date;
}

export function serviceSteps(s: StepServices): StepBodies {
  return {
    async repairInterrupted() {
      await s.authorizations.repairUnapplied(new Date(s.clock().getTime() - REPAIR_AFTER_MS));
      // Events a cut-short store left unqueued: a few marks to look at.
      await s.inbox.requeueOrphans();
    },
    processInbox: () => s.inboxProcessor.drain(),
    async sendRequests() {
      await s.sender.sendDue();
      await s.sender.completeResolved();
    },
    sendReminders: () => s.reminders.remindDue(),
    expireDue: () => s.expiry.expireDue(),
    warnExpiring: () => s.expiry.warnExpiring(),
    reconcileUtilityApi: () => s.reconcile(),
    pruneRetention: () => s.retention.prune(s.clock()),
  };
}

/** Slack's step, once Slack is configured: without it effects wait in the outbox. */
export const slackSteps = (publisher: Pick<NoticePublisher, 'publishPending'>): StepBodies => ({
  publishNotices: () => publisher.publishPending(),
});
