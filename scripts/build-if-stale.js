// `npm start` runs this first (prestart). It builds `dist/` with tsc only when tsc is installed (a
// development checkout) and a source is newer than the last build, so `npm install && npm start` works
// on a fresh clone, and a production install (`npm ci --omit=dev`, no TypeScript) starts the `dist/`
// it was given without compiling anything. Plain JavaScript: it must run without dev dependencies.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const built = join(root, 'dist', 'src', 'main.js');
// Written only after a build that succeeded: tsc writes dist/ even when it reports errors, so the age
// of dist/ alone would take a failed build for a fresh one.
const stamp = join(root, 'dist', '.built-by-prestart');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const SOURCES = ['src', 'blocks', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** The newest modification time under `path` (a file or a folder), 0 when it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

if (!existsSync(tsc)) {
  // A production install: start the dist/ it was given, whatever its files' dates say.
  if (existsSync(built)) process.exit(0);
  process.stderr.write(
    'relink cannot start: dist/ is missing and TypeScript is not installed to build it.\n' +
      'Build first where dev dependencies are installed (npm ci && npm run build), then copy dist/ here,\n' +
      'or install everything (npm install) and run npm start again.\n',
  );
  process.exit(1);
}
const builtAt = existsSync(stamp) && existsSync(built) ? statSync(stamp).mtimeMs : -1;
if (!SOURCES.some((source) => newest(join(root, source)) > builtAt)) process.exit(0);
process.stdout.write('building dist/ (sources changed since the last build)\n');
rmSync(stamp, { force: true });
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status === 0) writeFileSync(stamp, '');
process.exit(result.status ?? 1);
