import type { AuthorizationDocument } from './models';

/** About 1 KB each: enough for a large account's every authorization, bounded all the same. */
const DEFAULT_MAX_COPIES = 50_000;

/**
 * The authorizations a sole writer (StartOptions.soleWriter) last wrote or read, as they now are in the
 * database, since nothing else writes there. Batches of platform observations plan on these instead
 * of reading the authorizations again: on FerretDB a read of thousands is a pass over the whole
 * collection, once per batch. One missing (never seen, or pushed out) is read as before.
 */
export function createAuthorizationCopies(maxCopies = DEFAULT_MAX_COPIES) {
  const held = new Map<string, AuthorizationDocument>();
  return {
    get: (id: string): AuthorizationDocument | undefined => held.get(id),
    /** Keeps `doc` unless a newer revision of it is held. */
    put(doc: AuthorizationDocument): void {
      const id = doc._id.toHexString();
      const current = held.get(id);
      if (current && current.version > doc.version) return;
      held.delete(id);
      held.set(id, doc);
      // A Map iterates in insertion order: the first copy is the one written longest ago.
      if (held.size > maxCopies) held.delete(held.keys().next().value as string);
    },
    size: () => held.size,
  };
}

export type AuthorizationCopies = ReturnType<typeof createAuthorizationCopies>;
