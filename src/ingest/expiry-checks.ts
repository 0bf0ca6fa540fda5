import { asRelinkError } from '../domain/errors';
import type { Logger } from '../logger';
import type { AuthorizationStore } from '../store/authorizations';

export interface ExpiryChecksDeps {
  authorizations: AuthorizationStore;
  /** Every warning threshold some workspace uses, in days, e.g. [30, 7, 1]. */
  warningDaysInUse: () => Promise<readonly number[]>;
  /** One workspace's thresholds (EXPIRY_WARNING_DAYS unless changed in its Settings). */
  warningDaysOf: (workspaceId: string) => Promise<readonly number[]>;
  clock: () => Date;
  log: Logger;
  batchSize?: number;
}

/**
 * The clock's side of the state machine. Both checks read only what is due through the expiresAt
 * index, and both are safe to run in two processes at once: a second application of the same
 * event finds nothing left to change (see the revision claim in store/authorizations.ts).
 */
export function createExpiryChecks(deps: ExpiryChecksDeps) {
  const log = deps.log.child({ component: 'expiry' });
  const batchSize = deps.batchSize ?? 500;

  async function expireDue(): Promise<number> {
    const now = deps.clock();
    let expired = 0;
    for (;;) {
      const due = await deps.authorizations.findDueForExpiry(now, batchSize);
      for (const authorization of due) {
        try {
          const result = await deps.authorizations.applyById(authorization._id.toHexString(), {
            event: { kind: 'expiry_due', at: now },
            actor: 'system',
            now,
          });
          if (result.changed) expired++;
        } catch (err) {
          log.error(
            { err: asRelinkError(err), authorizationId: authorization._id.toHexString() },
            'expiry failed',
          );
        }
      }
      if (due.length < batchSize) return expired;
    }
  }

  /**
   * Warns once per threshold of the authorization's workspace, and only the nearest one: 5 days left
   * warns "7", never also "30". Thresholds are visited nearest first across all workspaces; an
   * authorization only hears its own workspace's.
   */
  async function warnExpiring(): Promise<number> {
    const now = deps.clock();
    const ascending = [...new Set(await deps.warningDaysInUse())].sort((a, b) => a - b);
    const daysOf = new Map<string, readonly number[]>();
    let warned = 0;
    for (const days of ascending) {
      const nearerOrEqual = ascending.filter((d) => d <= days);
      const due = await deps.authorizations.findExpiringWithin(now, days, nearerOrEqual, batchSize);
      for (const authorization of due) {
        const { workspaceId } = authorization;
        if (!daysOf.has(workspaceId)) daysOf.set(workspaceId, await deps.warningDaysOf(workspaceId));
        if (!daysOf.get(workspaceId)?.includes(days)) continue;
        const result = await deps.authorizations.applyById(authorization._id.toHexString(), {
          event: { kind: 'expiry_warning_due', at: now, days },
          actor: 'system',
          now,
        });
        if (result.effects.length > 0) warned++;
      }
    }
    return warned;
  }

  return { expireDue, warnExpiring };
}

export type ExpiryChecks = ReturnType<typeof createExpiryChecks>;
