import type { BulkService } from '../../../reauth/bulk-service';
import type { ListenerDeps } from '../types';

/** What the bulk ask's listeners need beyond every listener's: the bulk service (issue 13). */
export type BulkListenerDeps = ListenerDeps & {
  bulk: BulkService;
  /** How often the Home's progress is published again while a bulk ask sends; tests shorten it. */
  bulkProgressEveryMs?: number;
};
