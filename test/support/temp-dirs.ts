import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Scratch folders for one test file, removed when its tests end, whether they passed or not. Call it
 * where hooks may be registered (a file's top level or a describe); the returned function makes a new
 * folder `relink-<name>-XXXXXX` anywhere, inside tests too. The global teardown fails a run that leaves
 * any folder behind (test/support/global-teardown.ts).
 */
export function useTempDirs(): (name: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return (name) => {
    const dir = mkdtempSync(join(tmpdir(), `relink-${name}-`));
    made.push(dir);
    return dir;
  };
}
