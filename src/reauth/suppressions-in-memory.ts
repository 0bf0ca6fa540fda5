import type { Suppression } from '../domain/suppression';
import type { StoreListeners, SuppressionRecorded } from '../store/listeners';
import { type SuppressionStore, suppressionId } from '../store/suppressions';

/**
 * Every address customers asked not to be emailed, in memory, so the reauth form and the Home's rows
 * flag a suppression without a database read before Slack's 3 s run out (DESIGN.md, "A click must
 * answer from memory"). Loaded at start in one read, told of each suppression this process records,
 * and re-read with the worklist when other processes share the database. Sending re-checks the store.
 * Suppressions are never lifted, so copies merge in any order.
 */
export function createSuppressionsInMemory() {
  const byId = new Map<string, Suppression>();
  let source: Pick<SuppressionStore, 'everyRecorded'> | null = null;
  const keep = ({ id, reason, at }: SuppressionRecorded) => {
    if (!byId.has(id)) byId.set(id, { reason, at });
  };
  const read = async () => {
    for (const recorded of (await source?.everyRecorded()) ?? []) keep(recorded);
  };

  /** The workspace's suppression of `email`, if any. */
  const find = (workspaceId: string, email: string): Suppression | null =>
    byId.get(suppressionId(workspaceId, email)) ?? null;

  return {
    /** For the suppression store: every suppression this process records. */
    listeners: { suppressionRecorded: keep } satisfies StoreListeners,
    /** Reads every suppression from `store` (the one these listeners hear), before any form is prepared. */
    async load(store: Pick<SuppressionStore, 'everyRecorded'>): Promise<void> {
      source = store;
      await read();
    },
    /** Reads them again: what other processes recorded. */
    refresh: read,
    find,

    /** The suppressions among a page of customers (the Home's rows), keyed by the caller's `key`. */
    async among(
      workspaceId: string,
      customers: readonly { key: string; email: string | null }[],
    ): Promise<Map<string, Suppression>> {
      const found = new Map<string, Suppression>();
      for (const { key, email } of customers) {
        const suppression = email ? find(workspaceId, email) : null;
        if (suppression) found.set(key, suppression);
      }
      return found;
    },
  };
}

export type SuppressionsInMemory = ReturnType<typeof createSuppressionsInMemory>;
