import type { Connection } from 'mongoose';
import { createAuthorizationStore } from './authorizations';
import { createBulkActionStore } from './bulk-actions';
import { createDigestStore } from './digests';
import { createHomeStateStore } from './home-state';
import { createInbox } from './inbox';
import type { StoreListeners } from './listeners';
import { createModels, ensureIndexes } from './models';
import { createNoticeStore } from './notices';
import { createOutbox } from './outbox';
import { createRequestStore } from './requests';
import { createSendClaims } from './send-claims';
import { createSuppressionStore } from './suppressions';
import { createSyncStateStore } from './sync-states';

/**
 * Every store on one connection, its collections and indexes created (a missing index fails loudly
 * at start, not slowly later). `listeners` hear every authorization, request and suppression write.
 */
export async function openStores(
  connection: Connection,
  listeners: StoreListeners = {},
  /** No other process writes to this database (see createAuthorizationStore). */
  options: { soleWriter?: boolean } = {},
) {
  const models = createModels(connection);
  await ensureIndexes(models);
  const outbox = createOutbox(models, listeners);
  const requests = createRequestStore(connection, outbox, listeners);
  const inbox = createInbox(connection, listeners);
  const homeState = createHomeStateStore(connection);
  const notices = createNoticeStore(connection);
  const sendClaims = createSendClaims(connection);
  const suppressions = createSuppressionStore(connection, listeners);
  const digests = createDigestStore(connection, models);
  const bulkActions = createBulkActionStore(connection);
  await Promise.all([
    requests.init(),
    outbox.init(),
    inbox.init(),
    homeState.init(),
    notices.ensureIndexes(),
    sendClaims.init(),
    suppressions.init(),
    digests.ensureIndexes(),
    bulkActions.init(),
  ]);
  return {
    models,
    outbox,
    requests,
    authorizations: createAuthorizationStore(models, listeners, options),
    inbox,
    homeState,
    notices,
    sendClaims,
    suppressions,
    digests,
    syncStates: createSyncStateStore(connection),
    bulkActions,
  };
}

export type Stores = Awaited<ReturnType<typeof openStores>>;
