// Lets a child `node` run relink's TypeScript sources directly (`node -r <this file> src/main.ts`), the
// way jest's @swc/jest runs them in tests: type-stripped by swc, as CommonJS, nothing built to dist/.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
