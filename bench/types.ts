import type { Logger } from '../src/logger';

/** What the harness hands every case: one database server shared by the whole run. */
export interface BenchContext {
  /** A MongoDB URI with no database in it; combine with `databaseUri`. */
  readonly serverUri: string;
  readonly log: Logger;
  /** A URI naming a fresh database (`relink_bench_<label>_<random>`); the case drops it when done. */
  databaseUri(label: string): string;
}

export interface BenchCase {
  readonly name: string;
  run(context: BenchContext): Promise<void>;
}

/** Thrown by a case whose measurements are invalid (e.g. duplicate effects): the run exits non-zero. */
export class BenchFailure extends Error {}
