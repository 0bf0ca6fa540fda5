import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createUtilityApiReconciler } from '../../src/ingest/reconcile';
import { createUtilityApiClient } from '../../src/platforms/utilityapi/client';
import { createAuthorizationStore } from '../../src/store/authorizations';
import { createModels, ensureIndexes } from '../../src/store/models';
import { createSyncStateStore, type ImportProgress } from '../../src/store/sync-states';
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

describe('reconcile-utilityapi: the first sync of an account', () => {
  const db = useTestDatabase('reconcile_first_sync');
  const standin = createUtilityApiStandIn({ token: 'first-sync-token' });
  afterAll(() => standin.stop());

  it('imports every authorization, records progress, and marks the account synced', async () => {
    const { url } = await standin.start();
    const models = createModels(db.connection);
    await ensureIndexes(models);
    const authorizations = createAuthorizationStore(models);
    const syncStates = createSyncStateStore(db.connection);
    const log = silentLog();
    const progress: { done: number; total: number }[] = [];
    const recorded = {
      ...syncStates,
      importing: async (workspaceId: string, p: ImportProgress) => {
        progress.push({ done: p.done, total: p.total });
        await syncStates.importing(workspaceId, p);
      },
    };
    const reconcile = createUtilityApiReconciler({
      utilityapi: singleUtilityApiAccount(
        SINGLE_WORKSPACE_ID,
        createUtilityApiClient({ baseUrl: url, token: 'first-sync-token', log }),
      ),
      authorizations,
      syncStates: recorded,
      clock: () => new Date(),
      log,
    });
    const ts = utilityApiTime(new Date());
    for (let i = 0; i < 30; i++) {
      standin.upsertAuthorization(
        i < 20 ? { notes: [{ type: 'access_invalid', msg: 'Invalid login', ts }] } : {},
      );
    }
    expect(await syncStates.isFirstSync(SINGLE_WORKSPACE_ID)).toBe(true);

    expect(await reconcile()).toEqual({ seen: 30, changed: 30 });
    // The total is known from the start; the Home's line reads "Importing: 0 of 30" at first.
    expect(progress[0]).toEqual({ done: 0, total: 30 });
    const state = await syncStates.get(SINGLE_WORKSPACE_ID);
    expect(state?.completedAt).toBeInstanceOf(Date);
    expect(state?.importing).toBeNull();
    expect(await syncStates.importProgress(SINGLE_WORKSPACE_ID, new Date())).toBeNull();
    // What the sync wrote is its own (one summary); anything else, even at the same time, is not.
    const opened = await models.OutboxEffect.find({}).lean();
    expect(opened).toHaveLength(20);
    for (const entry of opened) {
      expect(await syncStates.isFirstSyncWork(SINGLE_WORKSPACE_ID, entry.createdAt)).toBe(true);
    }
    const other = new Date((opened[0] as { createdAt: Date }).createdAt.getTime() + 1);
    expect(await syncStates.isFirstSyncWork(SINGLE_WORKSPACE_ID, other)).toBe(false);
    const open = await models.Authorization.countDocuments({ incidentOpen: true });
    expect(open).toBe(20);

    // The next run is an ordinary reconcile: no progress is recorded.
    progress.length = 0;
    expect(await reconcile()).toEqual({ seen: 30, changed: 0 });
    expect(progress).toEqual([]);
  });
});
