import type { OutboxEffect, RequestStatus } from '../domain/reauth-request';
import type { SuppressionReason } from '../domain/suppression';
import type { WorkspaceSettings } from '../domain/workspace';
import type { AuthorizationDocument } from './models';

/** A reauth request written: created whole, or moved to a new status. */
export type RequestWrite =
  | {
      kind: 'created';
      id: string;
      authorizationId: string;
      createdAt: Date;
      status: RequestStatus;
      statusAt: Date;
      /** The address the email goes to. */
      sentTo: string;
      /** Who asked (a Slack user id). */
      requestedBy: string;
    }
  | { kind: 'status'; id: string; status: RequestStatus; statusAt: Date };

/**
 * What became of a request's email: it went out (the cooldown counts from `sentAt`), it bounced, or relink
 * could not confirm it went out (isUnconfirmedFailure).
 */
export type RequestOutcome =
  | {
      kind: 'sent';
      id: string;
      authorizationId: string;
      sentAt: Date;
      /** The status written with it. */
      status: RequestStatus;
      requestedBy: string | null;
    }
  | { kind: 'bounced'; id: string; authorizationId: string; reason: string | null }
  | { kind: 'unconfirmed'; id: string; authorizationId: string };

/** An address recorded as not to be emailed: `id` is the store's key (workspace and hashed address). */
export interface SuppressionRecorded {
  id: string;
  reason: SuppressionReason;
  at: Date;
}

/**
 * Told after each write has reached the database, so what this process keeps in memory (the
 * worklist and the caches beside it) follows along without reading it back. Listeners must not
 * throw or block.
 */
export interface StoreListeners {
  /** The authorization as it now is (`version` says which revision). */
  authorizationWritten?: (authorization: AuthorizationDocument) => void;
  requestWritten?: (write: RequestWrite) => void;
  /**
   * Effects recorded in the outbox, told once what they are about is written too (a revision writes
   * its entries first), so whoever publishes them finds the authorization as the effects say.
   */
  effectsRecorded?: (types: readonly OutboxEffect['type'][]) => void;
  /** Webhook events stored in the inbox, to be applied. */
  eventsStored?: (count: number) => void;
  requestOutcome?: (outcome: RequestOutcome) => void;
  suppressionRecorded?: (suppression: SuppressionRecorded) => void;
  /** Settings a workspace chose, as set (fields not in `patch` are unchanged). */
  settingsChanged?: (workspaceId: string, patch: Partial<WorkspaceSettings>) => void;
}

/**
 * The one observer every store tells: parts built later (the notice publisher, once Slack is up) listen
 * from then on. Each part is told in turn; one that throws does not keep the others from hearing.
 */
export function createStoreObserver(onError: (err: unknown) => void) {
  const parts: StoreListeners[] = [];
  const tell =
    <K extends keyof StoreListeners>(key: K) =>
    (...args: Parameters<NonNullable<StoreListeners[K]>>) => {
      for (const part of parts) {
        try {
          (part[key] as ((...a: typeof args) => void) | undefined)?.(...args);
        } catch (err) {
          onError(err);
        }
      }
    };
  const listeners: Required<StoreListeners> = {
    authorizationWritten: tell('authorizationWritten'),
    requestWritten: tell('requestWritten'),
    effectsRecorded: tell('effectsRecorded'),
    eventsStored: tell('eventsStored'),
    requestOutcome: tell('requestOutcome'),
    suppressionRecorded: tell('suppressionRecorded'),
    settingsChanged: tell('settingsChanged'),
  };
  return {
    listeners,
    listen(part: StoreListeners): void {
      parts.push(part);
    },
  };
}

export type StoreObserver = ReturnType<typeof createStoreObserver>;
