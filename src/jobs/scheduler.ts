import { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import type { Logger } from '../logger';
import { createClaimingBackend } from './claiming-backend';

export type { Agenda } from 'agenda';

export interface SchedulerOptions {
  connection: Connection;
  log: Logger;
  /** How often agenda looks for due jobs; short in tests. */
  processEvery?: number | string;
  /** Identifies this process in job locks (`lockedBy`-style diagnostics). */
  name?: string;
}

/**
 * Builds agenda on relink's own mongoose connection so both share one driver and one pool
 * (DESIGN.md: `mongodb ~7.8` is pinned for exactly this), with job locks claimed by unique insert
 * (see claiming-backend.ts). Jobs are defined by their modules.
 */
export function createScheduler(options: SchedulerOptions): Agenda {
  const db = options.connection.db;
  if (!db) throw new Error('createScheduler needs an open connection');
  const agenda = new Agenda({
    backend: createClaimingBackend(db, 'jobs'),
    processEvery: options.processEvery ?? '5 seconds',
    ...(options.name ? { name: options.name } : {}),
  });
  const log = options.log.child({ component: 'scheduler' });
  agenda.on('error', (err) => log.error({ err }, 'scheduler error'));
  agenda.on('fail', (err, job) => log.warn({ err, job: job.attrs.name }, 'job failed'));
  return agenda;
}
