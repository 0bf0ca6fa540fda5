// Lets `node -r ./register-typescript.js file.ts` run relink's TypeScript sources in a child process, compiled
// on load by @swc/core (the compiler jest already uses through @swc/jest), with the options jest uses:
// no build step, and no extra dependency. Test support only: production runs `tsc` output.
// Output is cached by content, so each restart of a test's relink process skips compiling (~1 s). The cache
// lives with the dependencies (node_modules/.cache, as other build tools keep theirs), not in the temp
// directory, which a test run must leave as it found it; RELINK_TS_CACHE_DIR puts it elsewhere.
// A cache file is written under a name of its own and renamed into place: two processes starting at
// once otherwise read each other's half-written (or still empty) file as a module with no exports.
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const swc = require('@swc/core');

const OPTIONS = {
  jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
const CACHE =
  process.env.RELINK_TS_CACHE_DIR ?? join(__dirname, '..', '..', 'node_modules', '.cache', 'relink-ts');
mkdirSync(CACHE, { recursive: true });

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha1').update(`${swc.version}\0${filename}\0${source}`).digest('hex');
  const cached = join(CACHE, `${key}.js`);
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    code = swc.transformSync(source, { ...OPTIONS, filename }).code;
    const partial = `${cached}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, cached);
  }
  module._compile(code, filename);
};
