import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createUtilityApiReconciler } from '../../src/ingest/reconcile';
import { createUtilityApiClient } from '../../src/platforms/utilityapi/client';
import { createAuthorizationStore } from '../../src/store/authorizations';
import { createModels, ensureIndexes } from '../../src/store/models';
import { useTestDatabase } from '../support/database';
import { silentLog } from '../support/silent-log';
import { singleUtilityApiAccount } from '../support/utilityapi-accounts';
import { createUtilityApiStandIn, utilityApiTime } from '../support/utilityapi-standin';

describe('reconcile-utilityapi', () => {
  const db = useTestDatabase('reconcile');
  const standin = createUtilityApiStandIn({ token: 'reconcile-token' });
  afterAll(() => standin.stop());

  it('applies what webhooks missed and writes nothing when nothing changed', async () => {
    const { url } = await standin.start();
    const models = createModels(db.connection);
    await ensureIndexes(models);
    const authorizations = createAuthorizationStore(models);
    const log = silentLog();
    const reconcile = createUtilityApiReconciler({
      utilityapi: singleUtilityApiAccount(
        SINGLE_WORKSPACE_ID,
        createUtilityApiClient({ baseUrl: url, token: 'reconcile-token', log }),
      ),
      authorizations,
      clock: () => new Date(),
      log,
    });
    const locked = standin.upsertAuthorization({
      notes: [{ type: 'access_locked', msg: 'locked', ts: utilityApiTime(new Date()) }],
    });
    standin.upsertAuthorization({ is_declined: true, declined: utilityApiTime(new Date()) });
    standin.upsertAuthorization({});

    expect(await reconcile()).toEqual({ seen: 3, changed: 3 });
    expect(
      await authorizations.findByKey({
        workspaceId: SINGLE_WORKSPACE_ID,
        source: 'utilityapi',
        externalId: locked.uid,
      }),
    ).toMatchObject({
      state: 'bad_login',
      reason: 'locked',
    });
    expect(await reconcile()).toEqual({ seen: 3, changed: 0 });
  });
});
