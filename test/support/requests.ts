import type { Connection } from 'mongoose';
import type { StoreListeners } from '../../src/store/listeners';
import { createModels, ensureIndexes } from '../../src/store/models';
import { createOutbox } from '../../src/store/outbox';
import { createRequestStore, type NewReauthRequest } from '../../src/store/requests';

/** Who asks for the requests these builders make. */
export const ALICE = { teamId: 'T1', userId: 'U0ALICE' };

/** The reauth form as Alice sends it for Jane Roe: her details as stored, no note, no "Send anyway". */
export const DRAFT = {
  customerName: 'Jane Roe',
  customerEmail: 'jane@example.com',
  utility: 'PG&E',
  note: null,
  sendAnyway: false,
};

/** A bad-login reauth request to Jane Roe, as the reauth service records it; `fields` change any of it. */
export const newRequest = (
  authorizationId: string,
  idempotencyKey: string,
  fields: Partial<NewReauthRequest> = {},
): NewReauthRequest => ({
  idempotencyKey,
  authorizationId,
  recipient: { name: DRAFT.customerName, email: DRAFT.customerEmail },
  utility: DRAFT.utility,
  problem: { state: 'bad_login', reason: 'invalid_credentials' },
  note: null,
  requestedBy: ALICE,
  sendAnyway: false,
  ...fields,
});

/** The models, the outbox and the request store writing into it, as main.ts builds them. */
export async function requestStoreWithOutbox(connection: Connection, listeners: StoreListeners = {}) {
  const models = createModels(connection);
  await ensureIndexes(models);
  const outbox = createOutbox(models);
  const requests = createRequestStore(connection, outbox, listeners);
  await requests.init();
  return { models, outbox, requests };
}
