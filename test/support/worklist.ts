import type { Connection } from 'mongoose';
import { createAuthorizationStore } from '../../src/store/authorizations';
import { createModels, ensureIndexes } from '../../src/store/models';
import { createRequestStore } from '../../src/store/requests';
import { createWorklistSource } from '../../src/store/worklist-source';
import { createWorklist } from '../../src/worklist/worklist';
import { silentLog } from './silent-log';

/**
 * The stores and the worklist wired as main.ts wires them: the worklist hears every write the two
 * stores make. `expiringWithinDays` is 30, EXPIRY_WARNING_DAYS' default largest threshold.
 */
export async function storesWithWorklist(connection: Connection) {
  const models = createModels(connection);
  await ensureIndexes(models);
  const worklist = createWorklist({
    source: createWorklistSource(models, connection),
    expiringWithinDays: 30,
    refreshEveryMs: null,
    log: silentLog(),
  });
  const requests = createRequestStore(connection, worklist.listeners);
  await requests.init();
  const authorizations = createAuthorizationStore(models, worklist.listeners);
  return { models, worklist, requests, authorizations };
}
