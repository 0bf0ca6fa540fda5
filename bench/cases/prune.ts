import { type Connection, Types } from 'mongoose';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { DELETE_BATCH, objectIdAt } from '../../src/store/batched-delete';
import { connect, databaseNameOf } from '../../src/store/database';
import { createInbox } from '../../src/store/inbox';
import { dropDatabase } from '../support';
import { type BenchCase, type BenchContext, BenchFailure } from '../types';

/*
 * Issue 12's retention benchmark: one pruning run of the webhook archive (`inbox`, the largest
 * collection: raw payloads) at `DOCS` documents received evenly over the last `SPAN_DAYS` days, of
 * which those older than 30 days go. Baselines in the same run: the driver's own `deleteMany` of the
 * whole expired range in one statement (on FerretDB it cannot: SQLite refuses that many variables), and
 * of one batch's range, which is what each of the pruning run's batches costs at the least.
 * `BENCH_PRUNE_DOCS` scales it down (e.g. 100000 for a quick look).
 */

const DOCS = Math.max(10_000, Number(process.env.BENCH_PRUNE_DOCS) || 1_000_000);
const SPAN_DAYS = 32;
const KEEP_DAYS = 30;
const INSERT_BATCH = 5_000;
const DAY_MS = 86_400_000;

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));
const out = (line: string) => process.stdout.write(`${line}\n`);

/** An ObjectId of time `ms` made unique by `n`: the archive's ids, in the order they were received. */
function idAt(ms: number, n: number): Types.ObjectId {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(ms / 1000), 0);
  bytes.writeUInt32BE(0x5eed, 4);
  bytes.writeUInt32BE(n, 8);
  return new Types.ObjectId(bytes);
}

/** A UtilityAPI webhook event as the archive keeps it (about 450 bytes of BSON). */
function archived(n: number, receivedMs: number) {
  const receivedAt = new Date(receivedMs);
  return {
    _id: idAt(receivedMs, n),
    workspaceId: SINGLE_WORKSPACE_ID,
    source: 'utilityapi',
    eventId: `bench-prune-${n}`,
    type: 'authorization_update_finished_errored',
    payload: {
      uid: `bench-prune-${n}`,
      type: 'authorization_update_finished_errored',
      ts: receivedAt.toISOString(),
      authorization_uid: `${100_000 + (n % 50_000)}`,
      delivery_method: 'webhook',
      delivery_target: 'https://relink.example.com/webhooks/utilityapi',
      is_delivered: false,
      customer_email: `customer-${n % 50_000}@example.com`,
    },
    receivedAt,
  };
}

/** Inserts documents `from` … `to - 1` of the run, in the order they were received. */
async function seed(connection: Connection, now: number, from: number, to: number): Promise<number> {
  const collection = connection.collection('inbox');
  const spanMs = SPAN_DAYS * DAY_MS;
  const started = performance.now();
  for (let first = from; first < to; first += INSERT_BATCH) {
    const docs = [];
    for (let n = first; n < Math.min(to, first + INSERT_BATCH); n++) {
      docs.push(archived(n, now - spanMs + Math.floor((n * spanMs) / DOCS)));
    }
    await collection.insertMany(docs as never[], { ordered: false });
  }
  return performance.now() - started;
}

/** The driver's deleteMany of `_id` in [after, before), timed; FerretDB's refusal is a result too. */
async function driverDeleteMany(connection: Connection, before: Types.ObjectId, after?: Types.ObjectId) {
  const started = performance.now();
  try {
    const filter = { _id: { $lt: before, ...(after ? { $gte: after } : {}) } };
    const { deletedCount } = await connection.collection('inbox').deleteMany(filter);
    return { ms: performance.now() - started, deleted: deletedCount, error: null };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ms: performance.now() - started, deleted: 0, error: message.replace(/^.*\] /, '') };
  }
}

const rate = (deleted: number, ms: number) =>
  `${deleted} in ${seconds(ms)} s = ${perSecond(deleted, ms)} docs/s`;

async function run(context: BenchContext): Promise<void> {
  const databaseUri = context.databaseUri('prune');
  const connection = await connect(databaseUri, databaseNameOf(databaseUri));
  try {
    const inbox = createInbox(connection);
    await inbox.init();
    const now = Date.now();
    const cutoff = new Date(now - KEEP_DAYS * DAY_MS);
    // Documents 0 … expired-1 were received before the cutoff.
    const expired = Math.ceil((DOCS * (SPAN_DAYS - KEEP_DAYS)) / SPAN_DAYS);
    const seedMs = await seed(connection, now, 0, DOCS);
    out(
      `seeded ${DOCS} archived events over ${SPAN_DAYS} days in ${seconds(seedMs)} s (${expired} older than ${KEEP_DAYS} days)`,
    );

    // The pruning run, as the daily job does it.
    const started = performance.now();
    const result = await inbox.pruneArchive(cutoff);
    const pruneMs = performance.now() - started;
    out(`pruning run: ${rate(result.deleted, pruneMs)} (${result.batches} batches of up to ${DELETE_BATCH})`);
    const left = await connection.collection('inbox').estimatedDocumentCount();
    if (!result.complete) throw new BenchFailure('the pruning run stopped at its batch limit');
    if (result.deleted !== expired || left !== DOCS - expired) {
      throw new BenchFailure(
        `deleted ${result.deleted} and left ${left}; expected ${expired} and ${DOCS - expired}`,
      );
    }

    // Baselines, on the same range received again: the driver's deleteMany of all of it in one
    // statement, and (where that is refused) of one batch's worth, the least a batch can cost.
    await seed(connection, now, 0, expired);
    const whole = await driverDeleteMany(connection, objectIdAt(cutoff));
    out(
      `baseline deleteMany of the same range: ${whole.error ? `refused after ${seconds(whole.ms)} s: ${whole.error}` : rate(whole.deleted, whole.ms)}`,
    );
    if (!whole.error) {
      out(`ratio pruning run / baseline: ${(pruneMs / whole.ms).toFixed(2)}x`);
      return;
    }
    const oneBatch = await driverDeleteMany(connection, batchEnd(now));
    if (oneBatch.error) throw new BenchFailure(`deleteMany of one batch's range failed: ${oneBatch.error}`);
    out(`baseline deleteMany of one batch's range: ${rate(oneBatch.deleted, oneBatch.ms)}`);
    out(
      `ratio pruning run / (${result.batches} batches × that baseline): ${(pruneMs / (result.batches * oneBatch.ms)).toFixed(2)}x`,
    );
  } finally {
    await connection.close();
    await dropDatabase(databaseUri);
  }
}

/** Where the oldest DELETE_BATCH documents end. */
const batchEnd = (now: number) =>
  idAt(now - SPAN_DAYS * DAY_MS + Math.floor((DELETE_BATCH * SPAN_DAYS * DAY_MS) / DOCS), 0);

export const pruneCase: BenchCase = { name: 'prune', run };
