import { auditActorOf, type SlackActor } from '../domain/actor';
import { RelinkError } from '../domain/errors';
import type { TriageCommand } from '../domain/triage';
import type { AuthorizationStore } from '../store/authorizations';

export interface TriageServiceDeps {
  authorizations: Pick<AuthorizationStore, 'findById' | 'applyById'>;
  clock: () => Date;
}

/** What a triage click did: `changed` is false when it was already so (a double click, a stale view). */
export interface TriageOutcome {
  authorizationId: string;
  changed: boolean;
  customerName: string | null;
}

/**
 * Triage of incidents (src/domain/triage.ts): "I'm on it", Snooze, Dismiss and their undoing. Each is
 * a revision of the authorization, so it is audited in the same trail as state changes, reaches the
 * notice through the outbox, and reaches the worklist through the store's listener. Who may act is
 * checked before any listener runs (src/slack/access).
 */
export function createTriageService(deps: TriageServiceDeps) {
  return {
    async triage(
      workspaceId: string,
      authorizationId: string,
      command: TriageCommand,
      who: SlackActor,
    ): Promise<TriageOutcome> {
      const authorization = await deps.authorizations.findById(authorizationId);
      // Another workspace's authorization reads as missing: nothing crosses workspaces.
      if (!authorization || authorization.workspaceId !== workspaceId) {
        throw new RelinkError('authorization_not_found', `no authorization ${authorizationId} here`);
      }
      if (!authorization.incidentOpen) {
        throw new RelinkError('nothing_to_fix', `authorization ${authorizationId} has no open incident`);
      }
      const result = await deps.authorizations.applyById(authorizationId, {
        triage: { command, userId: who.userId },
        actor: auditActorOf(who),
        now: deps.clock(),
      });
      // The revision's effects are announced by the store: the notice shows the change within seconds.
      return { authorizationId, changed: result.changed, customerName: authorization.customer.name };
    },
  };
}

export type TriageService = ReturnType<typeof createTriageService>;
