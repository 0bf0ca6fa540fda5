import { execFileSync } from 'node:child_process';

/**
 * The embedded database relink started for `dataDir`: the relink-db process under this jest worker
 * serving that folder, so a test can kill it as an OOM killer or a crash would.
 */
export function embeddedDatabasePid(dataDir: string): number {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  const pids = lines
    .split('\n')
    .filter((line) => line.includes('relink-db') && line.includes(dataDir))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
  if (pids.length !== 1) throw new Error(`expected one embedded database process, found ${pids.length}`);
  return pids[0] as number;
}
