import { randomBytes } from 'node:crypto';
import type { WorkspaceSettings } from '../../src/domain/workspace';
import { createLogger } from '../../src/logger';
import { createSecretBox } from '../../src/store/secret-box';
import { createWorkspaceStore, type WorkspaceStore } from '../../src/store/workspaces';
import { createWorkspaceDirectory, type WorkspaceDirectory } from '../../src/workspaces/directory';
import { createSettingsService, type SettingsServiceDeps } from '../../src/workspaces/settings-service';
import { useTestDatabase } from '../support/database';

const defaults: WorkspaceSettings = {
  alertChannel: 'C0DEFAULT1',
  whoMayAct: { kind: 'everyone_but_guests' },
  cooldownHours: 24,
  expiryWarningDays: [30, 7, 1],
};
const t0 = new Date('2026-05-01T09:00:00Z');
const TOKEN = 'ua-token-a1b2c3d4e5f6';
const SECRET = 'ua-webhook-secret-0001';

let workspaceCount = 0;
const newWorkspace = () => `T0SET${String(++workspaceCount).padStart(5, '0')}`;

describe('the Settings service', () => {
  const db = useTestDatabase('settings_service');
  const lines: string[] = [];
  const log = createLogger({ level: 'info', pretty: false }, { write: (line: string) => lines.push(line) });
  let store: WorkspaceStore;
  let directory: WorkspaceDirectory;

  beforeAll(async () => {
    store = createWorkspaceStore(db.connection, createSecretBox({ key: randomBytes(32).toString('hex') }));
    await store.init();
    directory = createWorkspaceDirectory({
      mode: 'single',
      store,
      defaults,
      env: { botToken: 'xoxb-unused', utilityapi: null },
      utilityApiClient: () => {
        throw new Error('no UtilityAPI in this test');
      },
      // Long enough that a stale read would show if save() did not make the directory forget.
      cacheMs: 60_000,
    });
  });
  beforeEach(() => {
    lines.length = 0;
  });

  const service = (over: Partial<SettingsServiceDeps> = {}) =>
    createSettingsService({
      store,
      directory,
      canStoreSecrets: true,
      utilityApiFromEnv: false,
      publicUrl: 'https://relink.example.com',
      clock: () => t0,
      log,
      ...over,
    });
  const change = (
    settings: Partial<WorkspaceSettings> = {},
    utilityApi: { token: string | null; webhookSecret: string | null } = { token: null, webhookSecret: null },
  ) => ({ settings: { ...defaults, ...settings }, utilityApi });
  const admin = { userId: 'U0ADMIN001' };

  it('prepares the env defaults for a workspace that chose nothing, not connected', async () => {
    const workspaceId = newWorkspace();
    expect(await service().prepare(workspaceId)).toEqual({
      workspaceId,
      settings: defaults,
      utilityApi: { connected: false },
      canStoreSecrets: true,
      utilityApiFromEnv: false,
    });
  });

  it('stores only what differs from what is in effect, so the rest keeps following the env', async () => {
    const workspaceId = newWorkspace();
    await directory.settings(workspaceId); // cached by the directory before the save
    const outcome = await service().save(
      workspaceId,
      change({ whoMayAct: { kind: 'usergroup', usergroupId: 'S0BILLING1' }, cooldownHours: 0 }),
      admin,
    );
    expect(outcome).toEqual({
      saved: true,
      changed: ['whoMayAct', 'cooldownHours'],
      utilityApi: 'unchanged',
      webhook: null,
      previousAlertChannel: 'C0DEFAULT1',
    });
    expect((await store.get(workspaceId))?.settings).toEqual({
      whoMayAct: { kind: 'usergroup', usergroupId: 'S0BILLING1' },
      cooldownHours: 0,
    });
    expect(await directory.settings(workspaceId)).toEqual({
      ...defaults,
      whoMayAct: { kind: 'usergroup', usergroupId: 'S0BILLING1' },
      cooldownHours: 0,
    });
    // Saving the same again changes nothing.
    const again = await service().save(workspaceId, change(await directory.settings(workspaceId)), admin);
    expect(again).toMatchObject({ saved: true, changed: [] });
  });

  it('stores reminders only when they differ from the ones in effect (issue 12)', async () => {
    const workspaceId = newWorkspace();
    const same = await service().save(workspaceId, change({ reminders: { afterDays: 3, max: 2 } }), admin);
    expect(same).toMatchObject({ saved: true, changed: [] });
    const other = await service().save(workspaceId, change({ reminders: { afterDays: 5, max: 1 } }), admin);
    expect(other).toMatchObject({ saved: true, changed: ['reminders'] });
    expect((await directory.settings(workspaceId)).reminders).toEqual({ afterDays: 5, max: 1 });
    // A change without reminders (a modal from before they existed) keeps them.
    expect(await service().save(workspaceId, change(), admin)).toMatchObject({ changed: [] });
    expect((await directory.settings(workspaceId)).reminders).toEqual({ afterDays: 5, max: 1 });
  });

  it('connects UtilityAPI sealed, with a webhook URL under relink’s public address', async () => {
    const workspaceId = newWorkspace();
    const outcome = await service().save(
      workspaceId,
      change({}, { token: TOKEN, webhookSecret: SECRET }),
      admin,
    );
    expect(outcome).toMatchObject({ saved: true, utilityApi: 'connected' });
    const path = (await store.get(workspaceId))?.utilityApi?.webhookPath ?? '';
    expect(outcome.saved && outcome.webhook).toEqual({
      path: `/webhooks/utilityapi/${path}`,
      url: `https://relink.example.com/webhooks/utilityapi/${path}`,
    });
    const raw = JSON.stringify(
      await db.connection.collection('workspaces').findOne({ _id: workspaceId as never }),
    );
    expect(raw).not.toContain(TOKEN);
    expect(raw).not.toContain(SECRET);
    expect(await directory.accountAt(path)).toEqual({ workspaceId, secret: SECRET });
    const form = await service({ publicUrl: null }).prepare(workspaceId);
    expect(form.utilityApi).toEqual({
      connected: true,
      connectedAt: t0,
      webhook: { path: `/webhooks/utilityapi/${path}`, url: null },
    });
    expect(JSON.stringify(form)).not.toContain(TOKEN);
  });

  it('replaces only what was given: a new token keeps the secret and the URL', async () => {
    const workspaceId = newWorkspace();
    await service().save(workspaceId, change({}, { token: TOKEN, webhookSecret: SECRET }), admin);
    const before = await store.get(workspaceId);
    const outcome = await service().save(
      workspaceId,
      change({}, { token: 'ua-token-new-000111', webhookSecret: null }),
      admin,
    );
    expect(outcome).toMatchObject({ saved: true, utilityApi: 'replaced' });
    const after = await store.get(workspaceId);
    expect(after?.utilityApi).toMatchObject({ token: 'ua-token-new-000111', webhookSecret: SECRET });
    expect(after?.utilityApi?.webhookPath).toBe(before?.utilityApi?.webhookPath);
  });

  it('refuses half a first connection, and any secret without RELINK_ENCRYPTION_KEY, writing nothing', async () => {
    const workspaceId = newWorkspace();
    const cheaper = change({ cooldownHours: 1 }, { token: TOKEN, webhookSecret: null });
    expect(await service().save(workspaceId, cheaper, admin)).toEqual({
      saved: false,
      problem: 'webhook_secret_needed',
    });
    const noToken = change({ cooldownHours: 1 }, { token: null, webhookSecret: SECRET });
    expect(await service().save(workspaceId, noToken, admin)).toEqual({
      saved: false,
      problem: 'token_needed',
    });
    expect(await service({ canStoreSecrets: false }).save(workspaceId, cheaper, admin)).toEqual({
      saved: false,
      problem: 'encryption_key_missing',
    });
    expect(await store.get(workspaceId)).toBeNull();
  });

  it('logs who changed which settings, never the token or the secret', async () => {
    const workspaceId = newWorkspace();
    await service().save(
      workspaceId,
      change({ cooldownHours: 2 }, { token: TOKEN, webhookSecret: SECRET }),
      admin,
    );
    const saved = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'workspace settings saved');
    expect(saved).toMatchObject({
      workspaceId,
      userId: admin.userId,
      changed: ['cooldownHours'],
      utilityApi: 'connected',
    });
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('names who installed relink in an OAuth workspace, and nobody elsewhere', async () => {
    const workspaceId = newWorkspace();
    expect(await service().installerOf(workspaceId)).toBeNull();
    await store.saveInstallation(
      {
        team: { id: workspaceId, name: 'Installed' },
        enterprise: undefined,
        user: { id: 'U0INSTALL1', token: undefined, scopes: undefined },
        bot: { token: 'xoxb-installed-0001', scopes: ['chat:write'], id: 'B0RELINK01', userId: 'U0RELINKBT' },
        tokenType: 'bot',
        isEnterpriseInstall: false,
        appId: 'A0RELINK01',
        authVersion: 'v2',
      },
      t0,
    );
    expect(await service().installerOf(workspaceId)).toBe('U0INSTALL1');
  });
});
