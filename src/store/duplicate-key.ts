/**
 * MongoDB's duplicate key error (FerretDB reports the same code): a unique insert found the record
 * already there. relink's stores claim things by such inserts, so losing one is an answer, not a failure.
 * Also takes a bulk write's per-document `writeErrors` entries, which carry the same `code`.
 */
export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;

/**
 * Runs an upsert again when it lost a race: two upserts of one `_id` can both try the insert, and the
 * loser's fails on the key. Its repeat finds the document and updates it.
 */
export async function upsertRacing<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return upsert();
  }
}
