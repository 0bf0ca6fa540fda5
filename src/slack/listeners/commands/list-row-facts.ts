import type { WorklistItem } from '../../../domain/worklist';
import { COMMAND_LIST_LIMIT } from '../../../domain/worklist';
import type { ListenerDeps } from '../types';

/** What a `/reauth` list shows beside the rows it shows: each one's latest request and any suppression. */
export async function listRowFacts(
  deps: Pick<ListenerDeps, 'worklist' | 'suppressions'>,
  workspaceId: string,
  items: readonly WorklistItem[],
) {
  const shown = items.slice(0, COMMAND_LIST_LIMIT);
  const lastRequests = deps.worklist.lastRequestsFor(workspaceId, shown);
  const customers = shown.map((item) => ({ key: item._id.toHexString(), email: item.customer.email }));
  const suppressions = await deps.suppressions?.(workspaceId, customers);
  return { lastRequests, suppressions };
}
