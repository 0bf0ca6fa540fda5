import type { EmbeddedDb } from '../../src/store/embedded-db';

/** What the global setup started for a run, for its teardown (both run in jest's parent process). */
export interface TestRun {
  /** The run's own temp directory (TMPDIR for the workers and every process they start). */
  tempRoot: string;
  /** The shared embedded database and its data folder inside `tempRoot`, unless MONGODB_URI was given. */
  db?: EmbeddedDb;
  dbDataDir?: string;
}

// jest loads the setup and the teardown as separate modules: the run is kept on the global object.
const holder = globalThis as { relinkTestRun?: TestRun };

export const testRun = {
  set: (run: TestRun) => {
    holder.relinkTestRun = run;
  },
  get: (): TestRun | undefined => holder.relinkTestRun,
};
