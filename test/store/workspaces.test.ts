import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/bolt';
import { createSecretBox } from '../../src/store/secret-box';
import { createWorkspaceStore, type WorkspaceStore } from '../../src/store/workspaces';
import { useTestDatabase } from '../support/database';

const newKey = () => randomBytes(32).toString('hex');
const t0 = new Date('2026-05-01T09:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

let teams = 0;
/** A Bolt installation of a fresh team, as Bolt builds it after oauth.v2.access. */
function installationOf(overrides: Partial<Installation> = {}): Installation {
  teams += 1;
  const teamId = `T0WS${String(teams).padStart(6, '0')}`;
  return {
    team: { id: teamId, name: `Team ${teams}` },
    enterprise: undefined,
    user: { id: 'U0INSTALL1', token: undefined, scopes: undefined },
    bot: {
      token: `xoxb-${teamId}-${randomBytes(8).toString('hex')}`,
      scopes: ['chat:write', 'commands'],
      id: 'B0RELINK01',
      userId: 'U0RELINKBT',
    },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: 'A0RELINK01',
    authVersion: 'v2',
    ...overrides,
  };
}

const teamOf = (installation: Installation) => installation.team?.id ?? '';
/** What comes back is JSON: fields Bolt left undefined are absent. */
const asStored = (installation: Installation): Installation => JSON.parse(JSON.stringify(installation));

describe('the workspace store', () => {
  const db = useTestDatabase('workspaces');
  const key = newKey();
  let workspaces: WorkspaceStore;
  beforeAll(async () => {
    workspaces = createWorkspaceStore(db.connection, createSecretBox({ key }));
    await workspaces.init();
  });
  const raw = (id: string) => db.connection.collection('workspaces').findOne({ _id: id as never });

  it('keeps an installation, decrypted on get() and unreadable in the raw document', async () => {
    const installation = installationOf();
    await workspaces.saveInstallation(installation, t0);

    expect(await workspaces.get(teamOf(installation))).toEqual({
      id: teamOf(installation),
      teamName: installation.team?.name,
      botUserId: 'U0RELINKBT',
      installerUserId: 'U0INSTALL1',
      installedAt: t0,
      uninstalledAt: null,
      installation,
      settings: {},
      utilityApi: null,
    });
    const stored = JSON.stringify(await raw(teamOf(installation)));
    expect(stored).not.toContain(installation.bot?.token);
    expect(stored).not.toContain('xoxb-');
  });

  it('answers null for a workspace it does not know', async () => {
    expect(await workspaces.get('T0NOBODY01')).toBeNull();
    expect(await workspaces.markUninstalled('T0NOBODY01', t0)).toBe(false);
  });

  it('refuses an org-wide Enterprise Grid installation, which has no team', async () => {
    const orgWide = installationOf({
      team: undefined,
      enterprise: { id: 'E0GRID0001', name: 'Grid' },
      isEnterpriseInstall: true,
    });
    await expect(workspaces.saveInstallation(orgWide, t0)).rejects.toThrow(/one workspace at a time/);
  });

  it('uninstalls: tokens and UtilityAPI credentials gone, settings kept; a reinstall works again', async () => {
    const installation = installationOf();
    const id = teamOf(installation);
    await workspaces.saveInstallation(installation, t0);
    await workspaces.updateSettings(id, { alertChannel: 'C0ALERTS01', cooldownHours: 6 });
    const { webhookPath } = await workspaces.connectUtilityApi(
      id,
      { token: 'uapi-token-1', webhookSecret: 'uapi-secret-1' },
      t0,
    );
    expect((await workspaces.listActive()).map((w) => w.id)).toContain(id);

    expect(await workspaces.markUninstalled(id, later(5))).toBe(true);
    const gone = await workspaces.get(id);
    expect(gone).toMatchObject({ installation: null, utilityApi: null, uninstalledAt: later(5) });
    expect(gone?.settings).toEqual({ alertChannel: 'C0ALERTS01', cooldownHours: 6 });
    expect(await workspaces.findByWebhookPath(webhookPath)).toBeNull();
    expect((await workspaces.listActive()).map((w) => w.id)).not.toContain(id);
    const stored = await raw(id);
    expect(stored).toMatchObject({ installation: null, utilityApi: null });
    await expect(
      workspaces.connectUtilityApi(id, { token: 'uapi-token-2', webhookSecret: 'uapi-secret-2' }),
    ).rejects.toMatchObject({ code: 'workspace_uninstalled' });

    const again = installationOf({ team: { id, name: 'Renamed' } });
    await workspaces.saveInstallation(again, later(10));
    expect(await workspaces.get(id)).toMatchObject({
      teamName: 'Renamed',
      installedAt: later(10),
      uninstalledAt: null,
      installation: asStored(again),
      settings: { alertChannel: 'C0ALERTS01', cooldownHours: 6 },
    });
    expect((await workspaces.listActive()).map((w) => w.id)).toContain(id);
  });

  it('keeps the first installer: neither a reinstall nor a settings write before the install changes who it is', async () => {
    const first = installationOf();
    const id = teamOf(first);
    await workspaces.saveInstallation(first, t0);
    const byMember = installationOf({
      team: first.team,
      user: { id: 'U0MEMBER09', token: undefined, scopes: undefined },
    });
    await workspaces.saveInstallation(byMember, later(5));
    expect(await workspaces.get(id)).toMatchObject({
      installerUserId: 'U0INSTALL1',
      installation: asStored(byMember),
    });

    // Settings saved before relink was ever installed there: the first install still names its installer.
    const early = installationOf();
    await workspaces.updateSettings(teamOf(early), { cooldownHours: 6 });
    expect((await raw(teamOf(early)))?.installerUserId ?? null).toBeNull();
    await workspaces.saveInstallation(early, t0);
    expect((await workspaces.get(teamOf(early)))?.installerUserId).toBe('U0INSTALL1');
  });

  it('updates settings field by field and stores them plain', async () => {
    const installation = installationOf();
    const id = teamOf(installation);
    await workspaces.saveInstallation(installation, t0);
    await workspaces.updateSettings(id, { whoMayAct: { kind: 'usergroup', usergroupId: 'S0ADMINS01' } });
    await workspaces.updateSettings(id, { expiryWarningDays: [14, 3], whoMayAct: undefined });
    expect((await workspaces.get(id))?.settings).toEqual({
      whoMayAct: { kind: 'usergroup', usergroupId: 'S0ADMINS01' },
      expiryWarningDays: [14, 3],
    });
    expect((await raw(id))?.settings).toEqual({
      whoMayAct: { kind: 'usergroup', usergroupId: 'S0ADMINS01' },
      expiryWarningDays: [14, 3],
    });
  });

  it('keeps settings of a workspace with no OAuth installation (single-workspace mode)', async () => {
    await workspaces.updateSettings('single', { alertChannel: 'C0SINGLE01' });
    expect(await workspaces.get('single')).toMatchObject({
      installation: null,
      installedAt: null,
      settings: { alertChannel: 'C0SINGLE01' },
    });
    expect((await workspaces.listActive()).map((w) => w.id)).not.toContain('single');
  });

  it('connects UtilityAPI: secrets sealed, an unguessable path found by _id, kept on reconnect', async () => {
    const installation = installationOf();
    const id = teamOf(installation);
    await workspaces.saveInstallation(installation, t0);
    const first = await workspaces.connectUtilityApi(
      id,
      { token: 'uapi-tok-A', webhookSecret: 'whsec-A' },
      t0,
    );
    expect(first.webhookPath).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await workspaces.findByWebhookPath(first.webhookPath)).toMatchObject({
      id,
      utilityApi: { token: 'uapi-tok-A', webhookSecret: 'whsec-A', webhookPath: first.webhookPath },
    });
    const stored = JSON.stringify(await raw(id));
    expect(stored).not.toContain('uapi-tok-A');
    expect(stored).not.toContain('whsec-A');
    expect(
      await db.connection.collection('workspace_webhook_paths').findOne({ _id: first.webhookPath as never }),
    ).toMatchObject({ workspaceId: id });

    const second = await workspaces.connectUtilityApi(id, { token: 'uapi-tok-B', webhookSecret: 'whsec-B' });
    expect(second.webhookPath).toBe(first.webhookPath);
    expect((await workspaces.get(id))?.utilityApi).toMatchObject({
      token: 'uapi-tok-B',
      webhookSecret: 'whsec-B',
    });
  });

  it('finds nothing for an unknown or malformed webhook path, nor for another workspace’s old path', async () => {
    expect(await workspaces.findByWebhookPath(randomBytes(32).toString('base64url'))).toBeNull();
    expect(await workspaces.findByWebhookPath('../../etc/passwd')).toBeNull();
    expect(await workspaces.findByWebhookPath('')).toBeNull();
    // A mapping whose workspace no longer points at it (left by a failed write) leads nowhere.
    const installation = installationOf();
    await workspaces.saveInstallation(installation, t0);
    const stale = randomBytes(32).toString('base64url');
    await db.connection
      .collection('workspace_webhook_paths')
      .insertOne({ _id: stale as never, workspaceId: teamOf(installation), createdAt: t0 });
    expect(await workspaces.findByWebhookPath(stale)).toBeNull();
  });

  it('refuses a document whose sealed token was moved from another workspace', async () => {
    const a = installationOf();
    const b = installationOf();
    await workspaces.saveInstallation(a, t0);
    await workspaces.saveInstallation(b, t0);
    const sealedA = (await raw(teamOf(a)))?.installation;
    await db.connection
      .collection('workspaces')
      .updateOne({ _id: teamOf(b) as never }, { $set: { installation: sealedA } });
    await expect(workspaces.get(teamOf(b))).rejects.toMatchObject({ code: 'secret_unreadable' });
  });

  it('stores no secrets without a key, and says which variable is missing', async () => {
    const keyless = createWorkspaceStore(db.connection, null);
    await expect(keyless.saveInstallation(installationOf(), t0)).rejects.toThrow(/RELINK_ENCRYPTION_KEY/);
    await expect(
      keyless.connectUtilityApi('single', { token: 'uapi-token', webhookSecret: 'whsec' }),
    ).rejects.toMatchObject({ code: 'encryption_key_missing' });
  });
});

describe('rotating the encryption key', () => {
  const db = useTestDatabase('workspace_rotation');

  it('re-seals every value with the new key at rotateSecrets(), after which the old key can go', async () => {
    const oldKey = newKey();
    const before = createWorkspaceStore(db.connection, createSecretBox({ key: oldKey }));
    await before.init();
    const installation = installationOf();
    const id = teamOf(installation);
    await before.saveInstallation(installation, t0);
    await before.connectUtilityApi(id, { token: 'uapi-rot', webhookSecret: 'whsec-rot' }, t0);
    await before.updateSettings('single', { cooldownHours: 2 });

    const newer = newKey();
    const rotating = createWorkspaceStore(
      db.connection,
      createSecretBox({ key: newer, previousKey: oldKey }),
    );
    // Readable with either key before the rotation runs.
    expect((await rotating.get(id))?.installation).toEqual(installation);
    expect(await rotating.rotateSecrets()).toBe(1);
    expect(await rotating.rotateSecrets()).toBe(0);

    const after = createWorkspaceStore(db.connection, createSecretBox({ key: newer }));
    expect(await after.get(id)).toMatchObject({
      installation: asStored(installation),
      utilityApi: { token: 'uapi-rot', webhookSecret: 'whsec-rot' },
    });
    await expect(before.get(id)).rejects.toMatchObject({ code: 'secret_unreadable' });
  });

  it('fails loudly when the key cannot read what is stored (a wrong key)', async () => {
    const wrong = createWorkspaceStore(db.connection, createSecretBox({ key: newKey() }));
    await expect(wrong.rotateSecrets()).rejects.toThrow(/RELINK_ENCRYPTION_KEY/);
  });
});
