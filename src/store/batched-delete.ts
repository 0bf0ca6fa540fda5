import { type Model, Types } from 'mongoose';

/*
 * Deleting what has aged out, in batches, on both engines relink runs on.
 *
 * FerretDB 1.24 (SQLite) decides the shape. No filter reaches SQLite except a bare `_id` equality, and
 * even that does not use the `_id` index (the index is on `sjson->"_id"`, the query on
 * `sjson->'$._id'`; measured: a lookup costs in proportion to the document's place in the table). So
 * a delete with any filter decodes every document of the collection in FerretDB (~0.1 ms each), then
 * runs one SQLite DELETE over the whole table binding one SQL variable per matched document, and SQLite
 * refuses more than 32,766: one `deleteMany` of a large range fails outright ("too many SQL
 * variables"). What is cheap is a `find` with a limit and no filter: SQLite stops after that many rows,
 * in insertion order, which is (about) age order for relink's append-mostly collections.
 *
 * Hence each batch: read the oldest documents that way, delete the expired ones among them with one
 * statement bounded by the newest expired age seen, and stop once the read reaches documents that are
 * still young. A run costs one pass over the collection per batch, and batches are as large as SQLite
 * allows. On MongoDB/Atlas the same reads are cheap and each delete goes through the age field's index
 * (`_id`, `publishedAt`, `appliedAt`).
 */

/** The smallest ObjectId of `date`'s second: `_id < objectIdAt(t)` is "created before t". */
export const objectIdAt = (date: Date) => Types.ObjectId.createFromTime(Math.floor(date.getTime() / 1000));

/** Below SQLite's 32,766 variables, with room for documents of the same age the read did not see. */
export const DELETE_BATCH = 20_000;

export interface DeleteExpiredOptions {
  /** The field that dates a document: `_id` for ObjectId ids (their first 4 bytes are the time). */
  ageField: string;
  /** Documents whose age field is below this go (a Date, or an ObjectId made from a time). */
  before: Date | Types.ObjectId;
  /** Documents that stay whatever their age (e.g. events still queued). */
  keepIds?: readonly Types.ObjectId[];
  batchSize?: number;
  /** Bounds one run; what is left goes in the next. */
  maxBatches?: number;
}

export interface DeleteExpiredResult {
  deleted: number;
  batches: number;
  /** False when `maxBatches` stopped the run with expired documents left. */
  complete: boolean;
}

type Age = Date | Types.ObjectId;
type Dated = Record<string, unknown> & { _id: unknown };

/** Dates by time; ObjectIds by their hex, which orders them by time too. */
const isBefore = (a: Age, b: Age) =>
  a instanceof Date && b instanceof Date ? a.getTime() < b.getTime() : String(a) < String(b);

// biome-ignore lint/suspicious/noExplicitAny: any model; the filters are built from field names.
type AnyModel = Model<any>;

/** Deletes documents whose `ageField` is below `before`, batch by batch, oldest first. */
export async function deleteExpired(
  model: AnyModel,
  options: DeleteExpiredOptions,
): Promise<DeleteExpiredResult> {
  const { ageField, before } = options;
  const batchSize = options.batchSize ?? DELETE_BATCH;
  const maxBatches = options.maxBatches ?? 50;
  const kept = new Set((options.keepIds ?? []).map(String));
  const keep = kept.size > 0 ? { $nin: options.keepIds } : null;
  // `_id` may carry both the age range and the kept ids, so they are merged into one condition.
  const where = (range: Record<string, unknown>) =>
    ageField === '_id'
      ? { _id: { ...range, ...keep } }
      : { [ageField]: range, ...(keep ? { _id: keep } : {}) };
  // Undated (never published, never applied) and kept documents never go; they say nothing of age.
  const ageOf = (doc: Dated): Age | null => {
    const age = doc[ageField];
    return (age instanceof Date || age instanceof Types.ObjectId) && !kept.has(String(doc._id)) ? age : null;
  };

  let deleted = 0;
  for (let batches = 0; batches < maxBatches; batches++) {
    const head: Dated[] = await model
      .find({}, { [ageField]: 1 })
      .limit(batchSize)
      .lean();
    const dated = head.map(ageOf).filter((age): age is Age => age !== null);
    const expired = dated.filter((age) => isBefore(age, before));
    const last = dated.at(-1);
    // The read went past the expired documents: the rest of the collection is younger.
    const reachedYoung = head.length < batchSize || (last !== undefined && !isBefore(last, before));
    let bound = expired.reduce<Age | null>((a, b) => (a === null || isBefore(a, b) ? b : a), null);
    if (bound === null && !reachedYoung) {
      // The oldest documents are all kept or undated (say, parked notices): find expired ones by filter.
      const found: Dated[] = await model
        .find(where({ $lt: before }), { [ageField]: 1 })
        .limit(batchSize)
        .lean();
      bound = found
        .map(ageOf)
        .reduce<Age | null>((a, b) => (b !== null && (a === null || isBefore(a, b)) ? b : a), null);
    }
    if (bound === null) return { deleted, batches, complete: true };
    deleted += (await model.deleteMany(where({ $lte: bound }))).deletedCount;
    if (reachedYoung) return { deleted, batches: batches + 1, complete: true };
  }
  return { deleted, batches: maxBatches, complete: false };
}
