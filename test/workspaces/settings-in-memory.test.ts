import type { CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { createSuppressionsInMemory } from '../../src/reauth/suppressions-in-memory';
import { connect } from '../../src/store/database';
import { createSuppressionStore } from '../../src/store/suppressions';
import { createWorklistSource } from '../../src/store/worklist-source';
import { createWorkspaceStore } from '../../src/store/workspaces';
import { createWorklist } from '../../src/worklist/worklist';
import { createSettingsInMemory } from '../../src/workspaces/settings-in-memory';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { silentLog } from '../support/silent-log';

/*
 * The copies a click reads instead of the database (settings, suppressions): loaded in one read of
 * their collection, told of this process's writes at once, and of another process's at the worklist's
 * next refresh.
 */
describe('settings and suppressions kept in memory', () => {
  let connection: Connection;
  const commands: string[] = [];
  const at = new Date('2026-11-28T10:00:00Z');

  beforeAll(async () => {
    connection = await connect(`${testDatabaseUri()}?monitorCommands=true`, uniqueDbName('kept-memory'));
    connection.getClient().on('commandStarted', (event: CommandStartedEvent) => {
      commands.push(`${event.commandName} ${String(event.command[event.commandName])}`);
    });
  });
  afterAll(async () => {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  });

  it('loads every workspace’s settings in one read and follows this process’s changes without one', async () => {
    // Written before the copy exists, as by an earlier run.
    const earlier = createWorkspaceStore(connection, null);
    await earlier.init();
    for (const id of ['T01', 'T02', 'T03']) await earlier.updateSettings(id, { cooldownHours: 2 });
    const kept = createSettingsInMemory();
    const workspaces = createWorkspaceStore(connection, null, kept.listeners);
    commands.length = 0;
    await kept.load(workspaces);
    expect(commands).toEqual(['find workspaces']);
    expect(['T01', 'T02', 'T03', 'T04'].map((id) => kept.chosen(id)?.cooldownHours)).toEqual([
      2,
      2,
      2,
      undefined,
    ]);

    await workspaces.updateSettings('T02', { cooldownHours: 7 });
    await workspaces.updateSettings('T04', { alertChannel: 'C0NEW' });
    commands.length = 0;
    expect(kept.chosen('T02')).toEqual({ cooldownHours: 7 });
    expect(kept.chosen('T04')).toEqual({ alertChannel: 'C0NEW' });
    expect(commands).toEqual([]);
  });

  it('loads every suppression in one read and follows this process’s records without one', async () => {
    const earlier = createSuppressionStore(connection);
    await earlier.init();
    const record = (store: typeof earlier, workspaceId: string, email: string) =>
      store.record({ workspaceId, email, reason: 'unsubscribe', at, requestId: 'r1', now: at });
    await record(earlier, 'T01', 'old@example.com');
    const kept = createSuppressionsInMemory();
    const suppressions = createSuppressionStore(connection, kept.listeners);
    commands.length = 0;
    await kept.load(suppressions);
    expect(commands).toEqual(['find email_suppressions']);
    expect(kept.find('T01', 'OLD@example.com')).toEqual({ reason: 'unsubscribe', at });
    expect(kept.find('T02', 'old@example.com')).toBeNull();

    await record(suppressions, 'T02', 'new@example.com');
    commands.length = 0;
    expect(kept.find('T02', 'new@example.com')).toEqual({ reason: 'unsubscribe', at });
    expect(
      await kept.among('T02', [
        { key: 'a', email: 'new@example.com' },
        { key: 'b', email: null },
      ]),
    ).toEqual(new Map([['a', { reason: 'unsubscribe', at }]]));
    expect(commands).toEqual([]);
  });

  it('sees another process’s writes when the worklist refreshes', async () => {
    const kept = { settings: createSettingsInMemory(), suppressions: createSuppressionsInMemory() };
    const worklist = createWorklist({
      source: createWorklistSource(connection),
      expiringWithinDays: 30,
      refreshEveryMs: 60_000,
      companions: [kept.settings, kept.suppressions],
      log: silentLog(),
    });
    await kept.settings.load(createWorkspaceStore(connection, null, kept.settings.listeners));
    await kept.suppressions.load(createSuppressionStore(connection, kept.suppressions.listeners));
    await worklist.ready();
    // Another process's stores: nothing here hears them.
    const elsewhere = {
      workspaces: createWorkspaceStore(connection, null),
      suppressions: createSuppressionStore(connection),
    };
    await elsewhere.workspaces.updateSettings('T09', { cooldownHours: 48 });
    await elsewhere.suppressions.record({
      workspaceId: 'T09',
      email: 'far@example.com',
      reason: 'spamreport',
      at,
      requestId: 'r9',
      now: at,
    });
    expect(kept.settings.chosen('T09')).toBeUndefined();
    expect(kept.suppressions.find('T09', 'far@example.com')).toBeNull();

    await worklist.refresh();
    expect(kept.settings.chosen('T09')).toEqual({ cooldownHours: 48 });
    expect(kept.suppressions.find('T09', 'far@example.com')).toEqual({ reason: 'spamreport', at });
    await worklist.stop();
  });
});
