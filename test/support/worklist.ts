import type { Connection } from 'mongoose';
import { createStoreObserver, type StoreListeners } from '../../src/store/listeners';
import { openStores } from '../../src/store/stores';
import { createWorklistSource } from '../../src/store/worklist-source';
import { createWorklist } from '../../src/worklist/worklist';
import { silentLog } from './silent-log';

/**
 * The stores and the worklist wired as main.ts wires them: the worklist hears every write the two
 * stores make. `expiringWithinDays` is 30, EXPIRY_WARNING_DAYS' default largest threshold.
 */
export async function storesWithWorklist(connection: Connection, alsoListening: StoreListeners[] = []) {
  const worklist = createWorklist({
    source: createWorklistSource(connection),
    expiringWithinDays: 30,
    refreshEveryMs: null,
    log: silentLog(),
  });
  const observer = createStoreObserver((err) => {
    throw err;
  });
  for (const part of [worklist.listeners, ...alsoListening]) observer.listen(part);
  return { ...(await openStores(connection, observer.listeners)), worklist };
}
