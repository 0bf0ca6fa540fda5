import { Types } from 'mongoose';
import { loadConfig } from '../../src/config';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { STEPS } from '../../src/flows/steps';
import { type RunningRelink, startRelink } from '../../src/main';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { eventually } from '../support/eventually';
import { silentLog } from '../support/silent-log';

describe('relink’s recurring jobs', () => {
  let relink: RunningRelink;

  beforeAll(async () => {
    const config = loadConfig({ PORT: '0', MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('jobs')}` });
    relink = await startRelink(config, silentLog(), {
      processEvery: 200,
      jobIntervals: {
        repairInterrupted: '1 second',
        processInbox: '1 second',
        expireDue: '1 hour',
        warnExpiring: '1 hour',
      },
    });
  });
  afterAll(() => relink.stop());

  const db = () => relink.services.models.Authorization.db;

  it('finds an event a cut-short store left unqueued while relink runs (the repair step, on its timer), not only at start', async () => {
    // What a store interrupted between the archive and the queue leaves behind, two minutes ago.
    const twoMinutesAgo = Math.floor(Date.now() / 1000) - 120;
    const eventId = Types.ObjectId.createFromTime(twoMinutesAgo);
    await db()
      .collection('inbox')
      .insertOne({
        _id: eventId,
        workspaceId: SINGLE_WORKSPACE_ID,
        source: 'webhook',
        eventId: 'left-behind',
        type: 'authorization.updated',
        payload: {
          id: 'left-behind',
          type: 'authorization.updated',
          occurredAt: new Date().toISOString(),
          authorization: {
            id: 'acct-left-behind',
            customer: { name: 'Ada' },
            utility: 'SCE',
            state: 'revoked',
          },
        },
        receivedAt: new Date(),
      });
    await db()
      .collection('inbox_store_marks')
      .insertOne({ _id: Types.ObjectId.createFromTime(twoMinutesAgo), ids: [eventId] });

    const outcome = await eventually(async () => {
      const o = await relink.services.inbox.outcomeOf('webhook', 'left-behind');
      return o !== 'pending' && o;
    }, 'the left-behind event to be processed');
    expect(outcome).toBe('applied');
    const authorization = await relink.services.authorizations.findByKey({
      workspaceId: SINGLE_WORKSPACE_ID,
      source: 'webhook',
      externalId: 'acct-left-behind',
    });
    expect(authorization?.state).toBe('revoked');
  });

  it('schedules pruning daily at a fixed time of day, not at every start', async () => {
    const job = await db().collection('jobs').findOne({ name: STEPS.pruneRetention.job });
    const next = job?.nextRunAt as Date;
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect([next.getHours(), next.getMinutes()]).toEqual([3, 30]);
    expect(job?.lastRunAt ?? null).toBeNull();
  });
});
