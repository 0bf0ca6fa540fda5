import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { ensureEmbeddedDbBinary, findProjectRoot, startEmbeddedDb } from '../../src/store/embedded-db';
import { silentLog } from '../support/silent-log';

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
  it('keeps data written under DATA_DIR across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relink-restart-'));
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

  it('stops by itself when its parent closes stdin, so a killed relink leaves no orphan', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relink-orphan-'));
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
    const projectRoot = mkdtempSync(join(tmpdir(), 'relink-nogo-'));
    cpSync(join(findProjectRoot(), 'embedded-db'), join(projectRoot, 'embedded-db'), { recursive: true });
    // A changed source means no cached binary, so a build (and thus `go`) is needed.
    writeFileSync(join(projectRoot, 'embedded-db', 'main.go'), '// changed\npackage main\nfunc main() {}\n');
    await expect(ensureEmbeddedDbBinary({ projectRoot, log, go: '/nonexistent/go' })).rejects.toMatchObject({
      code: 'embedded_db_unavailable',
      message: expect.stringMatching(/`go` command was not found.*install Go.*or set MONGODB_URI/s),
    });
  });

  it('fails with a clear error when the database process exits while starting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relink-broken-'));
    await expect(startEmbeddedDb({ binary: '/bin/false', dataDir, log })).rejects.toMatchObject({
      code: 'embedded_db_unavailable',
      message: expect.stringContaining('stopped while starting'),
    });
  });
});
