import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createFlows } from '../../src/flows/flows';
import { createExpiryChecks } from '../../src/ingest/expiry-checks';
import { createInboxProcessor } from '../../src/ingest/inbox-processor';
import { type Agenda, createScheduler } from '../../src/jobs/scheduler';
import { createAuthorizationStore } from '../../src/store/authorizations';
import { createInbox } from '../../src/store/inbox';
import { createModels, ensureIndexes } from '../../src/store/models';
import { createOutbox } from '../../src/store/outbox';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';
import { silentLog } from '../support/silent-log';
import { singleUtilityApiAccount } from '../support/utilityapi-accounts';

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('expire-due and warn-expiring with two agenda workers', () => {
  const db = useTestDatabase('expiry');
  const workers: Agenda[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop(false)));
  });

  it('produces exactly one effect per authorization per cause', async () => {
    const models = createModels(db.connection);
    await ensureIndexes(models);
    const authorizations = createAuthorizationStore(models);
    const now = new Date();
    const active = (externalId: string, expiresAt: Date) =>
      authorizations.applyByKey(
        { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId },
        {
          event: observedEvent('active', new Date(now.getTime() - DAY), { expiresAt }),
          actor: 'platform',
          now: new Date(now.getTime() - 2 * DAY),
        },
      );
    const expired = await active('expired-1', new Date(now.getTime() - 60_000));
    const inFiveDays = await active('five-days', new Date(now.getTime() + 5 * DAY));
    const inTwentyDays = await active('twenty-days', new Date(now.getTime() + 20 * DAY));
    const later = await active('later', new Date(now.getTime() + 90 * DAY));

    const log = silentLog();
    const clock = () => new Date();
    const inboxProcessor = createInboxProcessor({
      inbox: createInbox(db.connection),
      authorizations,
      utilityapi: singleUtilityApiAccount(SINGLE_WORKSPACE_ID, null),
      log,
      clock,
    });
    const deps = {
      expiry: createExpiryChecks({
        authorizations,
        warningDaysInUse: async () => [30, 7, 1],
        warningDaysOf: async () => [30, 7, 1],
        clock,
        log,
      }),
    };
    const fast = {
      processInbox: '1 hour',
      expireDue: '1 second',
      warnExpiring: '1 second',
      reconcileUtilityApi: '1 hour',
    };
    for (const name of ['worker-a', 'worker-b']) {
      const agenda = createScheduler({ connection: db.connection, log, processEvery: 100, name });
      workers.push(agenda);
      // Each worker is a relink process: its own flows, on the one scheduler collection.
      const flows = createFlows({ log });
      flows.define({
        processInbox: () => inboxProcessor.drain(),
        expireDue: () => deps.expiry.expireDue(),
        warnExpiring: () => deps.expiry.warnExpiring(),
      });
      await flows.schedule(agenda, fast);
    }
    // Both workers also run the checks directly at the same moment, the worst case for duplicates.
    await Promise.all([
      deps.expiry.expireDue(),
      deps.expiry.expireDue(),
      deps.expiry.warnExpiring(),
      deps.expiry.warnExpiring(),
    ]);
    await sleep(3_000);

    const outbox = createOutbox(models);
    const effectsOf = async (id: string) => (await outbox.forAuthorization(id)).map((e) => e.effect);
    expect(await effectsOf(expired.authorizationId)).toEqual([
      // The problem began at the expiry, a minute before the job noticed it.
      { type: 'incident.opened', state: 'expired', reason: null, since: new Date(now.getTime() - 60_000) },
    ]);
    expect(await effectsOf(inFiveDays.authorizationId)).toEqual([
      expect.objectContaining({ type: 'expiry.warning', days: 7 }),
    ]);
    expect(await effectsOf(inTwentyDays.authorizationId)).toEqual([
      expect.objectContaining({ type: 'expiry.warning', days: 30 }),
    ]);
    expect(await effectsOf(later.authorizationId)).toEqual([]);
  });
});

describe('warn-expiring with workspaces that chose different thresholds', () => {
  const db = useTestDatabase('expiry-workspaces');

  it('warns each authorization at its own workspace’s nearest threshold, once', async () => {
    const models = createModels(db.connection);
    await ensureIndexes(models);
    const authorizations = createAuthorizationStore(models);
    const now = new Date();
    const expiringIn = (workspaceId: string, externalId: string, days: number) =>
      authorizations.applyByKey(
        { workspaceId, source: 'webhook', externalId },
        {
          event: observedEvent('active', new Date(now.getTime() - DAY), {
            expiresAt: new Date(now.getTime() + days * DAY),
          }),
          actor: 'platform',
          now: new Date(now.getTime() - DAY),
        },
      );
    const chosen: Record<string, number[]> = { 'T-defaults': [30, 7, 1], 'T-fortnight': [14] };
    const expiry = createExpiryChecks({
      authorizations,
      warningDaysInUse: async () => [30, 14, 7, 1],
      warningDaysOf: async (workspaceId) => chosen[workspaceId] ?? [],
      clock: () => now,
      log: silentLog(),
    });
    const defaultsInTen = await expiringIn('T-defaults', 'ten-a', 10);
    const fortnightInTen = await expiringIn('T-fortnight', 'ten-b', 10);
    const fortnightInTwenty = await expiringIn('T-fortnight', 'twenty-b', 20);

    await expiry.warnExpiring();
    await expiry.warnExpiring();

    const outbox = createOutbox(models);
    const warnings = async (id: string) =>
      (await outbox.forAuthorization(id)).map((e) => (e.effect as { days?: number }).days);
    expect(await warnings(defaultsInTen.authorizationId)).toEqual([30]);
    expect(await warnings(fortnightInTen.authorizationId)).toEqual([14]);
    // 20 days left is past the fortnight workspace's only threshold, though within another's 30.
    expect(await warnings(fortnightInTwenty.authorizationId)).toEqual([]);
  });
});
