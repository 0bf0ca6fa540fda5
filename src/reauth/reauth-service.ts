import { auditActorOf, type SlackActor } from '../domain/actor';
import { customerMustAct } from '../domain/authorization';
import { RelinkError } from '../domain/errors';
import type { ReauthDraft, ReauthProblem } from '../domain/reauth-draft';
import { activeCooldown, type Cooldown, isOpenRequestStatus } from '../domain/reauth-request';
import { emailEligibility, type Suppression } from '../domain/suppression';
import type { AuthorizationStore } from '../store/authorizations';
import type { AuthorizationDocument } from '../store/models';
import type { ReauthRequestDocument, RequestStore } from '../store/requests';
import type { SuppressionStore } from '../store/suppressions';
import type { Worklist } from '../worklist/worklist';
import { createEmailEligibility } from './email-eligibility';
import { askFactsOfStored, preparedFormOf } from './form-from-memory';
import type { PreparedForm } from './prepared-form';

export interface ReauthServiceDeps {
  authorizations: AuthorizationStore;
  requests: RequestStore;
  /** Addresses customers asked not to be emailed (spam report, unsubscribe). */
  suppressions: Pick<SuppressionStore, 'find'>;
  /**
   * What the form is prepared from before `views.open`: the worklist's copy of the authorization and
   * its requests, and the suppressions kept in memory (DESIGN.md, "A click must answer from memory").
   */
  inMemory: {
    worklist: Pick<Worklist, 'askFacts'>;
    suppression: (workspaceId: string, email: string) => Suppression | null;
    cooldownHours: (workspaceId: string) => Promise<number>;
  };
  /** The workspace's cooldown setting (REAUTH_COOLDOWN_HOURS unless changed in Settings), as stored: for submits. */
  cooldownHours: (workspaceId: string) => Promise<number>;
  clock: () => Date;
}

/**
 * The reauthorization flow behind the button, `/reauth` and the App Home: what the form shows, who
 * may send when, and recording a request exactly once. Sending itself is the request sender's job.
 */
export function createReauthService(deps: ReauthServiceDeps) {
  /** The workspace's authorization; another workspace's reads as missing, whoever forged the id. */
  async function loadOwn(workspaceId: string, authorizationId: string): Promise<AuthorizationDocument> {
    const authorization = await deps.authorizations.findById(authorizationId);
    if (!authorization || authorization.workspaceId !== workspaceId)
      throw new RelinkError(
        'authorization_not_found',
        `no authorization ${authorizationId} in ${workspaceId}`,
      );
    return authorization;
  }

  async function loadActionable(
    workspaceId: string,
    authorizationId: string,
  ): Promise<AuthorizationDocument> {
    const authorization = await loadOwn(workspaceId, authorizationId);
    if (!customerMustAct(authorization.state)) {
      throw new RelinkError('nothing_to_fix', `authorization ${authorizationId} is ${authorization.state}`);
    }
    return authorization;
  }

  async function cooldownFor(
    workspaceId: string,
    authorizationId: string,
    now: Date,
  ): Promise<Cooldown | null> {
    const last = await deps.requests.lastSentFor(authorizationId);
    // A bounced email never reached the customer: fixing the address must not wait out a cooldown.
    if (last?.status === 'bounced') return null;
    const lastSent = last?.sentAt ? { lastSentAt: last.sentAt, lastSentBy: last.requestedBy.userId } : null;
    return activeCooldown(lastSent, now, await deps.cooldownHours(workspaceId));
  }

  const eligibility = createEmailEligibility(deps);

  return {
    /**
     * Whether relink may email an address for this authorization now (src/domain/suppression.ts).
     * Every way relink sends asks this: a person's request ("Send anyway" as `override`), reminders
     * and bulk asks (`sender: 'automatic'`: never to a suppressed or bounced address).
     */
    emailEligibility: eligibility.check,

    /**
     * The prefilled form, from memory: it runs before `views.open`, and at a hundred clicks a second
     * six reads each through FerretDB took the form past a second. Submitting re-checks the database.
     */
    async prepareForm(workspaceId: string, authorizationId: string): Promise<PreparedForm> {
      const now = deps.clock();
      const kept = await deps.inMemory.worklist.askFacts(workspaceId, authorizationId);
      if (kept && customerMustAct(kept.entry.state)) {
        const email = kept.entry.email;
        return preparedFormOf(kept, {
          now,
          cooldownHours: await deps.inMemory.cooldownHours(workspaceId),
          suppression: email ? deps.inMemory.suppression(workspaceId, email) : null,
        });
      }
      // No form from memory: with other processes on the database (MONGODB_URI) one may have written
      // the authorization since the worklist's last refresh, so the database has the last word. A sole
      // writer's memory holds every authorization: only an unknown id or a fixed one comes here.
      const authorization = await loadActionable(workspaceId, authorizationId);
      const stored = askFactsOfStored(authorization, {
        latest: await deps.requests.latestFor(authorizationId),
        lastSent: await deps.requests.lastSentFor(authorizationId),
      });
      const email = authorization.customer.email;
      return preparedFormOf(stored, {
        now,
        cooldownHours: await deps.cooldownHours(workspaceId),
        suppression: email ? await deps.suppressions.find(workspaceId, email) : null,
      });
    },

    /** Field errors a valid-looking draft can still have: sending inside the cooldown needs "Send anyway". */
    async cooldownBlocks(
      workspaceId: string,
      authorizationId: string,
      draft: ReauthDraft,
    ): Promise<Cooldown | null> {
      await loadOwn(workspaceId, authorizationId);
      if (draft.sendAnyway) return null;
      return cooldownFor(workspaceId, authorizationId, deps.clock());
    },

    /**
     * Records the request once per `idempotencyKey` (a double submit or Slack's retry finds the
     * first), audits it, updates the customer if the draft corrected them, and queues the send.
     */
    async requestSend(input: {
      workspaceId: string;
      authorizationId: string;
      draft: ReauthDraft;
      problem: ReauthProblem;
      requestedBy: SlackActor;
      idempotencyKey: string;
    }): Promise<{ request: ReauthRequestDocument; created: boolean }> {
      const now = deps.clock();
      const authorization = await loadActionable(input.workspaceId, input.authorizationId);
      const cooldown = await cooldownFor(input.workspaceId, input.authorizationId, now);
      if (cooldown && !input.draft.sendAnyway) {
        throw new RelinkError('cooldown_active', `last request sent ${cooldown.lastSentAt.toISOString()}`);
      }
      const suppression = await deps.suppressions.find(input.workspaceId, input.draft.customerEmail);
      const allowed = emailEligibility({
        suppression,
        lastEmailBounced: false,
        sender: 'person',
        override: input.draft.sendAnyway,
      });
      if (!allowed.allowed) {
        throw new RelinkError('email_suppressed', 'the customer asked not to be emailed at this address');
      }
      const { request, created, replaced } = await deps.requests.create(
        {
          idempotencyKey: input.idempotencyKey,
          authorizationId: input.authorizationId,
          recipient: { name: input.draft.customerName, email: input.draft.customerEmail },
          utility: input.draft.utility,
          problem: input.problem,
          note: input.draft.note,
          requestedBy: input.requestedBy,
          sendAnyway: cooldown !== null || suppression !== null,
        },
        now,
      );
      if (!created) {
        // A repeat (double submit, Slack retry) of a send whose first attempt may have stopped half-way.
        if (request.status === 'queued') await recordQueued(request, now);
        return { request, created };
      }

      const edited =
        authorization.customer.name !== input.draft.customerName ||
        authorization.customer.email !== input.draft.customerEmail;
      await deps.authorizations.applyById(input.authorizationId, {
        actor: auditActorOf(input.requestedBy),
        record: suppression
          ? 'request.created_despite_suppression'
          : cooldown
            ? 'request.created_during_cooldown'
            : 'request.created',
        sourceEventId: request._id.toHexString(),
        customerEdit: edited ? { name: input.draft.customerName, email: input.draft.customerEmail } : null,
        now,
      });
      // Only the newest request of an authorization is open: the one it replaces is closed.
      if (replaced && isOpenRequestStatus(replaced.status))
        await deps.requests.advance(replaced, 'superseded', null, now);
      await recordQueued(request, now);
      return { request, created };
    },

    /** Sends a failed request again (the thread's Retry button). */
    async retry(workspaceId: string, requestId: string, who: SlackActor): Promise<ReauthRequestDocument> {
      const now = deps.clock();
      const request = await deps.requests.findById(requestId);
      const owner = request && (await deps.authorizations.findById(request.authorizationId.toHexString()));
      if (!request || owner?.workspaceId !== workspaceId)
        throw new RelinkError('request_not_found', `no request ${requestId} in ${workspaceId}`);
      if (request.status !== 'failed')
        throw new RelinkError('request_not_failed', `request is ${request.status}`);
      // Only the newest request may be open (see request-heads.ts): an older one is asked again anew.
      const latest = await deps.requests.latestFor(request.authorizationId.toHexString());
      if (latest && !latest._id.equals(request._id))
        throw new RelinkError('request_replaced', `request ${requestId} was replaced by ${latest._id}`);
      await deps.requests.advance(request, 'queued', null, now, {
        nextAttemptAt: now,
        sendingSince: null,
        lastError: null,
      });
      await deps.authorizations.applyById(request.authorizationId.toHexString(), {
        actor: auditActorOf(who),
        record: 'request.retried',
        sourceEventId: requestId,
        now,
      });
      return { ...request, status: 'queued' };
    },
  };

  /**
   * Tells the notice and the sender of a queued request: the request store announces the new entry,
   * which starts both (src/flows/steps.ts). Idempotent, so a repeat of a submit makes sure it exists too.
   */
  async function recordQueued(request: ReauthRequestDocument, now: Date) {
    await deps.requests.recordEffect(
      request,
      {
        type: 'request.queued',
        requestId: request._id.toHexString(),
        requestedBy: request.requestedBy.userId,
      },
      now,
    );
  }
}

export type ReauthService = ReturnType<typeof createReauthService>;
