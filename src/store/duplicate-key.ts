/**
 * MongoDB's duplicate key error (FerretDB reports the same code): a unique insert found the record
 * already there. relink's stores claim things by such inserts, so losing one is an answer, not a failure.
 * Also takes a bulk write's per-document `writeErrors` entries, which carry the same `code`.
 */
export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
