// Lets `node -r ./register-ts.js child.ts` run relink's TypeScript sources in a child process, compiled
// on load by @swc/core (the compiler jest already uses through @swc/jest), with the options jest uses:
// no build step, and no extra dependency. Test support only: production runs `tsc` output.
// Output is cached by content, so each restart of a test's relink process skips compiling (~1 s).
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const swc = require('@swc/core');

const OPTIONS = {
  jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
const CACHE = join(tmpdir(), 'relink-test-ts-cache');
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
    writeFileSync(cached, code);
  }
  module._compile(code, filename);
};
