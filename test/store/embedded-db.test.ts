import { execFile, spawn } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import type { RelinkError } from '../../src/domain/errors';
import { connect } from '../../src/store/database';
import { ensureEmbeddedDbBinary, findProjectRoot, startEmbeddedDb } from '../../src/store/embedded-db';
import { eventually } from '../support/eventually';
import { silentLog } from '../support/silent-log';
import { useTempDirs } from '../support/temp-dirs';

const log = silentLog();
const binary = () => ensureEmbeddedDbBinary({ projectRoot: findProjectRoot(), log });

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('the embedded database', () => {
  const tempDir = useTempDirs();

  it('keeps data written under DATA_DIR across a restart', async () => {
    const dataDir = tempDir('restart');
    const first = await startEmbeddedDb({ binary: await binary(), dataDir, log });
    const client = await MongoClient.connect(first.uri);
    await client
      .db('relink')
      .collection('notes')
      .insertOne({ _id: 'kept' as never, text: 'survives' });
    await client.close();
    await first.stop();
    expect(await accepts(first.port)).toBe(false);

    const second = await startEmbeddedDb({ binary: await binary(), dataDir, log });
    try {
      const again = await MongoClient.connect(second.uri);
      expect(
        await again
          .db('relink')
          .collection('notes')
          .findOne({ _id: 'kept' as never }),
      ).toMatchObject({
        text: 'survives',
      });
      await again.close();
    } finally {
      await second.stop();
    }
  });

  it('starts again on the same port and data when killed, and the driver reconnects by itself', async () => {
    const dataDir = tempDir('killed');
    const gaveUp: RelinkError[] = [];
    const db = await startEmbeddedDb({
      binary: await binary(),
      dataDir,
      log,
      onGiveUp: (err) => gaveUp.push(err),
    });
    const connection = await connect(db.uri, 'relink');
    try {
      const notes = connection.collection<{ _id: string; text: string }>('notes');
      await notes.insertOne({ _id: 'before', text: 'written before the kill' });
      const firstPid = db.pid;

      process.kill(firstPid as number, 'SIGKILL');
      await eventually(() => !db.isRunning(), 'the exit to be noticed', 5_000);
      const restartedPid = await eventually(
        () => db.isRunning() && db.pid !== firstPid && db.pid,
        'the restart',
        10_000,
      );
      expect(restartedPid).not.toBe(firstPid);
      expect(await accepts(db.port)).toBe(true);

      // The same connection object, not a new one: the driver found the server again on its own.
      await eventually(() => connection.readyState === 1, 'the driver to reconnect', 20_000);
      expect(await notes.findOne({ _id: 'before' })).toMatchObject({ text: 'written before the kill' });
      await notes.insertOne({ _id: 'after', text: 'written after the restart' });
      expect(await notes.countDocuments()).toBe(2);
      expect(gaveUp).toEqual([]);
    } finally {
      await connection.close();
      await db.stop();
    }
    expect(await accepts(db.port)).toBe(false);
  }, 45_000);

  it('gives up, once, when the database keeps dying faster than the restart policy allows', async () => {
    const dataDir = tempDir('dying');
    const gaveUp: RelinkError[] = [];
    const db = await startEmbeddedDb({
      binary: await binary(),
      dataDir,
      log,
      restart: { maxRestarts: 1, windowMs: 60_000, delayMs: 50 },
      onGiveUp: (err) => gaveUp.push(err),
    });
    try {
      const firstPid = db.pid as number;
      process.kill(firstPid, 'SIGKILL');
      const secondPid = await eventually(() => db.pid !== firstPid && db.pid, 'the one restart', 10_000);
      expect(gaveUp).toEqual([]);

      process.kill(secondPid, 'SIGKILL');
      await eventually(() => gaveUp.length > 0, 'relink to be told', 5_000);
      expect(gaveUp).toHaveLength(1);
      expect(gaveUp[0]).toMatchObject({
        code: 'embedded_db_unavailable',
        message: expect.stringContaining('after 1 restart(s) within 60 s'),
      });
      expect(db.isRunning()).toBe(false);
      expect(await accepts(db.port)).toBe(false);
    } finally {
      await db.stop();
    }
  }, 30_000);

  it('does not restart a database it was asked to stop', async () => {
    const dataDir = tempDir('stopped');
    const gaveUp: RelinkError[] = [];
    const db = await startEmbeddedDb({
      binary: await binary(),
      dataDir,
      log,
      onGiveUp: (e) => gaveUp.push(e),
    });
    await db.stop();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(db.isRunning()).toBe(false);
    expect(await accepts(db.port)).toBe(false);
    expect(gaveUp).toEqual([]);
  });

  it('stops by itself when its parent closes stdin, so a killed relink leaves no orphan', async () => {
    const dataDir = tempDir('orphan');
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(
      await binary(),
      ['-listen', `127.0.0.1:${port}`, '-dir', dataDir, '-exit-with-stdin'],
      {
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 100 && !(await accepts(port)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await accepts(port)).toBe(true);

    child.stdin?.end();
    await expect(exited).resolves.toBe(0);
    expect(await accepts(port)).toBe(false);
  });

  it('explains how to fix a machine without Go and without MONGODB_URI', async () => {
    const projectRoot = tempDir('nogo');
    cpSync(join(findProjectRoot(), 'embedded-db'), join(projectRoot, 'embedded-db'), { recursive: true });
    // A changed source means no cached binary, so a build (and thus `go`) is needed.
    writeFileSync(join(projectRoot, 'embedded-db', 'main.go'), '// changed\npackage main\nfunc main() {}\n');
    await expect(ensureEmbeddedDbBinary({ projectRoot, log, go: '/nonexistent/go' })).rejects.toMatchObject({
      code: 'embedded_db_unavailable',
      message: expect.stringMatching(/`go` command was not found.*install Go.*or set MONGODB_URI/s),
    });
  });

  it('fails with a clear error when the database process exits while starting', async () => {
    const dataDir = tempDir('broken');
    await expect(startEmbeddedDb({ binary: '/bin/false', dataDir, log })).rejects.toMatchObject({
      code: 'embedded_db_unavailable',
      message: expect.stringContaining('stopped while starting'),
    });
  });

  // The program's own Go tests (embedded-db/id_index_test.go): on a file laid out as FerretDB lays one
  // out, lookups by _id scan the table until relink-db adds the index they can use.
  it('adds the index that lookups by _id use (go test)', async () => {
    // -trimpath as the binary is built (src/store/embedded-db.ts): the test reuses its compiled packages
    // (FerretDB, SQLite) from Go's build cache instead of compiling them all again (2 minutes when cold).
    const { stdout } = await promisify(execFile)('go', ['test', '-trimpath', '-count=1', './...'], {
      cwd: join(findProjectRoot(), 'embedded-db'),
      env: { ...process.env, GOFLAGS: '-mod=readonly' },
    });
    expect(stdout).toMatch(/^ok\s+relink\/embedded-db/m);
  }, 240_000);
});
