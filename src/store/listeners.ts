import type { RequestStatus } from '../domain/reauth-request';
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
    }
  | { kind: 'status'; id: string; status: RequestStatus; statusAt: Date };

/**
 * Told after each write has reached the database, so what this process keeps in memory (the
 * worklist) follows along without reading it back. Listeners must not throw or block.
 */
export interface StoreListeners {
  /** The authorization as it now is (`version` says which revision). */
  authorizationWritten?: (authorization: AuthorizationDocument) => void;
  requestWritten?: (write: RequestWrite) => void;
}
