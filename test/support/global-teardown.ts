import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { testRun } from './test-run';

/**
 * Stops the run's database and removes the run's temp directory. Whatever a test left in it (a scratch
 * folder it did not remove, a child process's files) fails the run, named, after it is removed: no run
 * leaves anything in the machine's temp directory, and a test that would has to clean up after itself.
 */
export default async function globalTeardown(): Promise<void> {
  const run = testRun.get();
  if (!run) return;
  await run.db?.stop();
  const left = (await readdir(run.tempRoot)).filter((name) => join(run.tempRoot, name) !== run.dbDataDir);
  await rm(run.tempRoot, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(
      `tests left these in the temp directory, and must remove them: ${left.sort().join(', ')}`,
    );
  }
}
