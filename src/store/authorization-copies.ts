import { mongo } from 'mongoose';
import type { AuthorizationDocument } from './models';

/**
 * Kept as BSON, about 0.5 KB each outside the JS heap (an object is about 1.7 KB, and more work for
 * the collector): 25,000 cost about 13 MB. Enough for a large account's every authorization.
 */
const DEFAULT_MAX_COPIES = 25_000;

/**
 * The authorizations a sole writer (StartOptions.soleWriter) last wrote or read, as they now are in the
 * database, since nothing else writes there. Batches of platform observations plan on these instead
 * of reading the authorizations again: on FerretDB a read of thousands is a pass over the whole
 * collection, once per batch. One missing (never seen, or pushed out) is read as before.
 */
export function createAuthorizationCopies(maxCopies = DEFAULT_MAX_COPIES) {
  const held = new Map<string, { version: number; bson: Uint8Array }>();
  return {
    /** A fresh object each time: what a caller does with it never changes the copy. */
    get(id: string): AuthorizationDocument | undefined {
      const copy = held.get(id);
      return copy && (mongo.BSON.deserialize(copy.bson) as AuthorizationDocument);
    },
    /** Keeps `doc` unless a newer revision of it is held. */
    put(doc: AuthorizationDocument): void {
      const id = doc._id.toHexString();
      const current = held.get(id);
      if (current && current.version > doc.version) return;
      held.delete(id);
      // Absent fields stay absent (not null), as in a document read back.
      held.set(id, { version: doc.version, bson: mongo.BSON.serialize(doc, { ignoreUndefined: true }) });
      // A Map iterates in insertion order: the first copy is the one written longest ago.
      if (held.size > maxCopies) held.delete(held.keys().next().value as string);
    },
  };
}

export type AuthorizationCopies = ReturnType<typeof createAuthorizationCopies>;
