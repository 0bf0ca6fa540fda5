import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * `npm start`'s prestart in a production install (no TypeScript): it starts the dist/ it was given and
 * never compiles; without a dist/ it stops with what to do. (With TypeScript it builds: the README's
 * `npm install && npm start`, and CI's build.)
 */

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'build-if-stale.js');

describe('scripts/build-if-stale.js without TypeScript installed', () => {
  const app = mkdtempSync(join(tmpdir(), 'relink-prestart-'));
  afterAll(() => rmSync(app, { recursive: true, force: true }));
  const run = () =>
    spawnSync(process.execPath, [join(app, 'scripts', 'build-if-stale.js')], { encoding: 'utf8' });

  beforeAll(() => {
    mkdirSync(join(app, 'scripts'));
    cpSync(SCRIPT, join(app, 'scripts', 'build-if-stale.js'));
  });

  it('stops with exit code 1 and says how to build when dist/ is missing', () => {
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('dist/ is missing and TypeScript is not installed');
    expect(result.stderr).toContain('npm run build');
  });

  it('starts the dist/ it was given, even when a source looks newer', () => {
    mkdirSync(join(app, 'dist', 'src'), { recursive: true });
    writeFileSync(join(app, 'dist', 'src', 'main.js'), '');
    utimesSync(join(app, 'dist', 'src', 'main.js'), new Date(0), new Date(0));
    mkdirSync(join(app, 'src'));
    writeFileSync(join(app, 'src', 'main.ts'), '');
    const result = run();
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });
});

describe('scripts/build-if-stale.js in a development checkout (TypeScript installed)', () => {
  const app = mkdtempSync(join(tmpdir(), 'relink-prestart-dev-'));
  afterAll(() => rmSync(app, { recursive: true, force: true }));
  const run = () =>
    spawnSync(process.execPath, [join(app, 'scripts', 'build-if-stale.js')], { encoding: 'utf8' });
  /** A compiler that writes dist/ like tsc (even when it fails) and exits with `status`. */
  const installCompiler = (status: number) =>
    writeFileSync(
      join(app, 'node_modules', 'typescript', 'bin', 'tsc'),
      `const fs = require('node:fs');
       fs.mkdirSync('dist/src', { recursive: true });
       fs.writeFileSync('dist/src/main.js', '');
       process.exit(${status});`,
    );

  beforeAll(() => {
    mkdirSync(join(app, 'scripts'));
    cpSync(SCRIPT, join(app, 'scripts', 'build-if-stale.js'));
    mkdirSync(join(app, 'node_modules', 'typescript', 'bin'), { recursive: true });
    mkdirSync(join(app, 'src'));
    writeFileSync(join(app, 'src', 'main.ts'), '');
  });

  it('builds when nothing was built, and a failed build is tried again rather than started', () => {
    installCompiler(2);
    for (const attempt of [run(), run()]) {
      expect(attempt.status).toBe(2);
      expect(attempt.stdout).toContain('building dist/');
    }
  });

  it('builds once after a change, then starts without building until a source changes again', () => {
    installCompiler(0);
    expect(run()).toMatchObject({ status: 0, stdout: expect.stringContaining('building dist/') });
    expect(run()).toMatchObject({ status: 0, stdout: '' });
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(app, 'src', 'main.ts'), later, later);
    expect(run()).toMatchObject({ status: 0, stdout: expect.stringContaining('building dist/') });
  });
});
