import type { Connection } from 'mongoose';
import { openStores } from '../../src/store/stores';
import { createWorklistSource } from '../../src/store/worklist-source';
import { createWorklist } from '../../src/worklist/worklist';
import { silentLog } from './silent-log';

/**
 * The stores and the worklist wired as main.ts wires them: the worklist hears every write the two
 * stores make. `expiringWithinDays` is 30, EXPIRY_WARNING_DAYS' default largest threshold.
 */
export async function storesWithWorklist(connection: Connection) {
  const worklist = createWorklist({
    source: createWorklistSource(connection),
    expiringWithinDays: 30,
    refreshEveryMs: null,
    log: silentLog(),
  });
  return { ...(await openStores(connection, worklist.listeners)), worklist };
}
