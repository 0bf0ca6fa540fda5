import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { useTempDirs } from './temp-dirs';

const REGISTER = join(__dirname, 'register-typescript.js');
const MODULE = join(__dirname, '..', '..', 'src', 'store', 'revisions.ts');

/** Loads `MODULE` in a fresh node with the hook, its cache under `cacheRoot`, and prints its export's type. */
function loadInChild(cacheRoot: string): Promise<string> {
  const script = `process.stdout.write(typeof require(${JSON.stringify(MODULE)}).createRevisionWriter)`;
  const child = spawn(process.execPath, ['-r', REGISTER, '-e', script], {
    env: { PATH: process.env.PATH ?? '', RELINK_TS_CACHE_DIR: cacheRoot },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  return new Promise((resolve) => child.once('exit', () => resolve(output)));
}

describe('the TypeScript hook for child processes', () => {
  const tempDir = useTempDirs();

  // Two relink processes started at once used to read each other's half-written cache files: a module
  // with no exports, "createRevisionWriter is not a function" (CI, two-processes.test.ts).
  it('gives every process the whole module when many compile the same sources at once into an empty cache', async () => {
    const cacheRoot = tempDir('register');
    const results = await Promise.all(Array.from({ length: 6 }, () => loadInChild(cacheRoot)));
    expect(results).toEqual(Array.from({ length: 6 }, () => 'function'));
    const cached = readdirSync(cacheRoot);
    expect(cached.filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(cached.length).toBeGreaterThan(5);
  }, 60_000);
});
