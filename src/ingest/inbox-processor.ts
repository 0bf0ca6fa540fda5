import { asRelinkError } from '../domain/errors';
import { appendTo } from '../domain/grouping';
import { SINGLE_WORKSPACE_ID } from '../domain/workspace';
import type { ApplyDeliveryReport } from '../email/delivery-reports';
import { parseSendgridEvents } from '../email/event-webhook';
import type { Logger } from '../logger';
import { GenericAuthorizationEvent } from '../platforms/generic/webhook';
import type { UtilityApiAuthorization } from '../platforms/utilityapi/types';
import type { ApplyResult, AuthorizationStore } from '../store/authorizations';
import type { Inbox, InboxEventDocument } from '../store/inbox';
import type { UtilityApiAccounts } from '../workspaces/utilityapi-accounts';

import { applyUtilityApiAuthorizations } from './apply-utilityapi';

export interface InboxProcessorDeps {
  inbox: Inbox;
  authorizations: AuthorizationStore;
  /** A workspace's events wait until it has connected its UtilityAPI account. */
  utilityapi: UtilityApiAccounts;
  log: Logger;
  clock: () => Date;
  /** Applies a SendGrid event to its request; absent until email is configured. */
  deliveryReports?: ApplyDeliveryReport;
  batchSize?: number;
}

type Settle = (event: InboxEventDocument, outcome: string) => void;

// Events stored before workspaces existed came from the single workspace's account.
const workspaceOf = (event: InboxEventDocument): string => event.workspaceId ?? SINGLE_WORKSPACE_ID;

const authorizationUidOf = (event: InboxEventDocument): string | null => {
  const uid = (event.payload as { authorization_uid?: unknown } | null)?.authorization_uid;
  return typeof uid === 'string' && uid !== '' ? uid : null;
};

/**
 * Drains the inbox: UtilityAPI events are re-fetched from the API (events arrive out of order, so the
 * payload is never trusted), one list call per batch; generic events carry the full state already.
 */
export function createInboxProcessor(deps: InboxProcessorDeps) {
  const log = deps.log.child({ component: 'inbox' });
  // Large: on FerretDB each batch reads the authorizations it touches in one pass over the collection,
  // so the fewer batches a backlog takes, the less that pass costs per event.
  const batchSize = deps.batchSize ?? 10_000;

  async function fail(event: InboxEventDocument, err: unknown, now: Date) {
    const e = asRelinkError(err);
    const result = await deps.inbox.markFailed(event, now, `${e.code}: ${e.message}`);
    log.warn({ err: e, eventId: event.eventId, source: event.source, result }, 'inbox event failed');
  }

  async function processUtilityApi(events: InboxEventDocument[], now: Date, settle: Settle) {
    const byWorkspace = new Map<string, InboxEventDocument[]>();
    for (const event of events) {
      if (!authorizationUidOf(event)) settle(event, 'no_authorization');
      else appendTo(byWorkspace, workspaceOf(event), event);
    }
    for (const [workspaceId, withUid] of byWorkspace) {
      await processAccount(workspaceId, withUid, now, settle);
    }
  }

  /** One workspace's events: one list call for all their authorizations, then each applied once. */
  async function processAccount(
    workspaceId: string,
    withUid: InboxEventDocument[],
    now: Date,
    settle: Settle,
  ) {
    const client = await deps.utilityapi.clientFor(workspaceId);
    if (!client) {
      const why = new Error('this workspace has not connected its UtilityAPI account');
      for (const event of withUid) await fail(event, why, now);
      return;
    }
    let fetched: Map<string, UtilityApiAuthorization>;
    try {
      const uids = [...new Set(withUid.map((e) => authorizationUidOf(e) as string))];
      fetched = new Map((await client.getAuthorizations(uids)).map((a) => [a.uid, a]));
    } catch (err) {
      for (const event of withUid) await fail(event, err, now);
      return;
    }
    // The first event of each authorization carries its fresh state; later ones add nothing.
    const firstOf = new Map<string, InboxEventDocument>();
    const toApply: { authorization: UtilityApiAuthorization; sourceEventId: string }[] = [];
    for (const event of withUid) {
      const uid = authorizationUidOf(event) as string;
      const authorization = fetched.get(uid);
      if (!authorization) settle(event, 'authorization_not_found');
      else if (firstOf.has(uid)) settle(event, 'coalesced');
      else {
        firstOf.set(uid, event);
        toApply.push({ authorization, sourceEventId: event.eventId });
      }
    }
    let results: ApplyResult[];
    try {
      results = await applyUtilityApiAuthorizations(deps.authorizations, toApply, { workspaceId, now });
    } catch (err) {
      // Nothing half-done stays wrong: the batch's markers are repaired, and a retry changes nothing twice.
      for (const event of firstOf.values()) await fail(event, err, now);
      return;
    }
    for (const [n, event] of [...firstOf.values()].entries()) {
      settle(event, results[n]?.changed ? 'applied' : 'unchanged');
    }
  }

  async function processGeneric(event: InboxEventDocument, now: Date, settle: Settle) {
    const parsed = GenericAuthorizationEvent.safeParse(event.payload);
    if (!parsed.success) {
      // Unknown event types are kept for the record; the route already rejected invalid known ones.
      settle(event, 'ignored_type');
      return;
    }
    const { authorization: a, occurredAt } = parsed.data;
    try {
      const result = await deps.authorizations.applyByKey(
        { workspaceId: workspaceOf(event), source: 'webhook', externalId: a.id },
        {
          event: {
            kind: 'observed',
            at: new Date(occurredAt),
            state: a.state,
            reason: a.reason ?? null,
            expiresAt: a.expiresAt ? new Date(a.expiresAt) : null,
            declinedAt: a.state === 'declined' ? new Date(occurredAt) : null,
            revokedAt: a.state === 'revoked' ? new Date(occurredAt) : null,
          },
          customer: { name: a.customer.name ?? null, email: a.customer.email, utility: a.utility },
          actor: 'platform',
          sourceEventId: event.eventId,
          now,
        },
      );
      settle(event, result.changed ? 'applied' : 'unchanged');
    } catch (err) {
      await fail(event, err, now);
    }
  }

  async function processDeliveryReport(event: InboxEventDocument, now: Date, settle: Settle) {
    const [report] = parseSendgridEvents([event.payload]);
    if (!report || !deps.deliveryReports) {
      settle(event, 'ignored_event');
      return;
    }
    try {
      settle(event, await deps.deliveryReports(report, now));
    } catch (err) {
      await fail(event, err, now);
    }
  }

  /** Processes one batch of due events; returns how many it looked at. */
  async function runOnce(): Promise<number> {
    const now = deps.clock();
    const due = await deps.inbox.due(now, batchSize);
    // Outcomes are written in one insert per outcome at the end of the batch: on FerretDB an update
    // costs ~6 ms. A crash before the write only means the events are processed again, which
    // changes nothing the second time.
    const outcomes = new Map<string, InboxEventDocument['_id'][]>();
    const settle: Settle = (event, outcome) => {
      appendTo(outcomes, outcome, event._id);
    };
    await processUtilityApi(
      due.filter((e) => e.source === 'utilityapi'),
      now,
      settle,
    );
    for (const event of due.filter((e) => e.source === 'webhook')) await processGeneric(event, now, settle);
    for (const event of due.filter((e) => e.source === 'sendgrid'))
      await processDeliveryReport(event, now, settle);
    for (const event of due.filter((e) => !['utilityapi', 'webhook', 'sendgrid'].includes(e.source))) {
      settle(event, 'unknown_source');
    }
    for (const [outcome, ids] of outcomes) await deps.inbox.settle(ids, outcome, now);
    // Every event is settled or waits in the retry queue: its delivery can go.
    await deps.inbox.finish(due);
    return due.length;
  }

  /**
   * Runs batches until nothing is due. Not for concurrent calls in one process: the flows
   * (src/flows/flows.ts) run it as a coalesced step.
   */
  async function drain(): Promise<void> {
    // A batch takes whole deliveries, so it may hold more than batchSize events; none means done.
    while ((await runOnce()) > 0);
  }

  return { runOnce, drain };
}

export type InboxProcessor = ReturnType<typeof createInboxProcessor>;
