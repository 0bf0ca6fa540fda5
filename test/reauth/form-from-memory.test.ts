import type { CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { DEFAULT_WHO_MAY_ACT, SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createReauthService, type ReauthService } from '../../src/reauth/reauth-service';
import { createSuppressionsInMemory } from '../../src/reauth/suppressions-in-memory';
import { connect } from '../../src/store/database';
import { openStores, type Stores } from '../../src/store/stores';
import { createWorklistSource } from '../../src/store/worklist-source';
import { createWorkspaceStore, type WorkspaceStore } from '../../src/store/workspaces';
import { createWorklist } from '../../src/worklist/worklist';
import { createWorkspaceDirectory } from '../../src/workspaces/directory';
import { createSettingsInMemory } from '../../src/workspaces/settings-in-memory';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { observedEvent } from '../support/events';
import { ALICE, DRAFT } from '../support/requests';
import { silentLog } from '../support/silent-log';

/*
 * The reauth form answers from memory (DESIGN.md, "A click must answer from memory"): what the stores
 * record — a request, its send, its bounce, a suppression, a workspace's cooldown setting — shows in the
 * next form, and preparing that form sends the database no command at all. Wired as src/main.ts wires
 * it, on a connection whose every command is counted.
 */

const HOUR = 3_600_000;
const PROBLEM = { state: 'bad_login' as const, reason: 'invalid_credentials' as const };

describe('the reauth form, from memory', () => {
  const t0 = new Date('2026-11-28T10:00:00Z');
  let now = t0;
  let connection: Connection;
  let stores: Stores;
  let workspaces: WorkspaceStore;
  let reauth: ReauthService;
  const commands: string[] = [];
  let n = 0;

  beforeAll(async () => {
    connection = await connect(`${testDatabaseUri()}?monitorCommands=true`, uniqueDbName('form-memory'));
    connection.getClient().on('commandStarted', (event: CommandStartedEvent) => {
      commands.push(`${event.commandName} ${String(event.command[event.commandName])}`);
    });
    const kept = { suppressions: createSuppressionsInMemory(), settings: createSettingsInMemory() };
    const worklist = createWorklist({
      source: createWorklistSource(connection),
      expiringWithinDays: 30,
      refreshEveryMs: null,
      log: silentLog(),
    });
    stores = await openStores(connection, { ...worklist.listeners, ...kept.suppressions.listeners });
    workspaces = createWorkspaceStore(connection, null, kept.settings.listeners);
    await workspaces.init();
    await kept.suppressions.load(stores.suppressions);
    await kept.settings.load(workspaces);
    await worklist.ready();
    const directory = createWorkspaceDirectory({
      mode: 'single',
      store: workspaces,
      defaults: {
        alertChannel: null,
        whoMayAct: DEFAULT_WHO_MAY_ACT,
        cooldownHours: 24,
        expiryWarningDays: [],
      },
      env: { botToken: null, utilityapi: null },
      utilityApiClient: () => {
        throw new Error('no UtilityAPI here');
      },
      chosenSettings: kept.settings.chosen,
    });
    reauth = createReauthService({
      authorizations: stores.authorizations,
      requests: stores.requests,
      suppressions: stores.suppressions,
      inMemory: {
        worklist,
        suppression: kept.suppressions.find,
        cooldownHours: async (workspaceId) => (await directory.settings(workspaceId)).cooldownHours,
      },
      cooldownHours: async (workspaceId) => (await directory.storedSettings(workspaceId)).cooldownHours,
      clock: () => now,
    });
  });
  afterAll(async () => {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  });
  beforeEach(() => {
    now = t0;
  });

  const badLogin = async (email = DRAFT.customerEmail) =>
    (
      await stores.authorizations.applyByKey(
        { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId: `form-memory-${++n}` },
        {
          event: observedEvent('bad_login', now),
          actor: 'platform',
          customer: { name: DRAFT.customerName, email, utility: DRAFT.utility },
          now,
        },
      )
    ).authorizationId;

  const ask = async (authorizationId: string, email = DRAFT.customerEmail) =>
    (
      await reauth.requestSend({
        workspaceId: SINGLE_WORKSPACE_ID,
        authorizationId,
        draft: { ...DRAFT, customerEmail: email, sendAnyway: true },
        problem: PROBLEM,
        requestedBy: ALICE,
        idempotencyKey: `form-memory-key-${++n}`,
      })
    ).request;

  /** The form, and every command the database was sent while it was prepared. */
  async function prepare(authorizationId: string) {
    commands.length = 0;
    const form = await reauth.prepareForm(SINGLE_WORKSPACE_ID, authorizationId);
    return { form, commands: [...commands] };
  }

  it('shows the customer and the problem the store recorded', async () => {
    commands.length = 0;
    const id = await badLogin('ada@example.com');
    // The count sees what the stores send: an empty count below means nothing was sent.
    expect(commands).toContainEqual(expect.stringMatching(/^(insert|update) authorizations$/));
    const { form, commands: sent } = await prepare(id);
    expect(sent).toEqual([]);
    expect(form).toMatchObject({
      authorizationId: id,
      customerName: DRAFT.customerName,
      customerEmail: 'ada@example.com',
      utility: DRAFT.utility,
      problem: { state: 'bad_login', reason: 'invalid_credentials' },
      since: t0,
      cooldown: null,
      bounced: null,
      suppression: null,
    });
  });

  it('counts the cooldown from a request sent, and names who asked', async () => {
    const id = await badLogin();
    const request = await ask(id);
    expect((await prepare(id)).form.cooldown).toBeNull();
    await stores.requests.advance(request, 'sent', null, now, { sentAt: now });
    now = new Date(t0.getTime() + HOUR);
    const { form, commands } = await prepare(id);
    expect(commands).toEqual([]);
    expect(form.cooldown).toEqual({ lastSentAt: t0, lastSentBy: ALICE.userId });
  });

  it('flags a bounce with its reason and lifts the cooldown for the fixed address', async () => {
    const id = await badLogin();
    const request = await ask(id);
    await stores.requests.advance(request, 'sent', null, now, { sentAt: now });
    await stores.requests.advance(request, 'bounced', null, now, {
      lastError: { code: 'bounce', message: '550 mailbox unavailable' },
    });
    const { form, commands } = await prepare(id);
    expect(commands).toEqual([]);
    expect(form.bounced).toEqual({ sentTo: DRAFT.customerEmail, reason: '550 mailbox unavailable' });
    expect(form.cooldown).toBeNull();
  });

  it('flags a suppression recorded for the address, whatever its case', async () => {
    const id = await badLogin('Spam.Reporter@Example.com');
    expect((await prepare(id)).form.suppression).toBeNull();
    await stores.suppressions.record({
      workspaceId: SINGLE_WORKSPACE_ID,
      email: 'spam.reporter@example.com',
      reason: 'spamreport',
      at: t0,
      requestId: 'r0',
      now,
    });
    const { form, commands } = await prepare(id);
    expect(commands).toEqual([]);
    expect(form.suppression).toEqual({ reason: 'spamreport', at: t0 });
  });

  it('follows a change of the workspace’s cooldown hours', async () => {
    const id = await badLogin();
    const request = await ask(id);
    await stores.requests.advance(request, 'sent', null, now, { sentAt: now });
    now = new Date(t0.getTime() + 2 * HOUR);
    expect((await prepare(id)).form.cooldown).toEqual({ lastSentAt: t0, lastSentBy: ALICE.userId });

    await workspaces.updateSettings(SINGLE_WORKSPACE_ID, { cooldownHours: 1 });
    const shorter = await prepare(id);
    expect(shorter.commands).toEqual([]);
    expect(shorter.form.cooldown).toBeNull();

    await workspaces.updateSettings(SINGLE_WORKSPACE_ID, { cooldownHours: 24 });
    expect((await prepare(id)).form.cooldown).toEqual({ lastSentAt: t0, lastSentBy: ALICE.userId });
  });

  it('says the customer needs nothing once the store recorded them relinked, the database agreeing', async () => {
    const id = await badLogin();
    await stores.authorizations.applyById(id, {
      event: observedEvent('active', now),
      actor: 'platform',
      now,
    });
    await expect(reauth.prepareForm(SINGLE_WORKSPACE_ID, id)).rejects.toMatchObject({
      code: 'nothing_to_fix',
    });
    await expect(reauth.prepareForm('T0OTHER', id)).rejects.toMatchObject({
      code: 'authorization_not_found',
    });
  });

  it('reads an authorization memory does not hold yet (another process wrote it) from the database', async () => {
    // Another process's stores: this process hears nothing of them until the worklist's next refresh.
    const elsewhere = await openStores(connection);
    const id = (
      await elsewhere.authorizations.applyByKey(
        { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId: `form-memory-${++n}` },
        {
          event: observedEvent('bad_login', now),
          actor: 'platform',
          customer: { name: 'Grace Hopper', email: 'grace@example.com', utility: DRAFT.utility },
          now,
        },
      )
    ).authorizationId;
    const { form, commands } = await prepare(id);
    expect(form).toMatchObject({ authorizationId: id, customerName: 'Grace Hopper', cooldown: null });
    expect(commands).toContain('find authorizations');
  });
});
