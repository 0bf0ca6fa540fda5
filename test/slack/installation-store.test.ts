import { randomBytes } from 'node:crypto';
import type { Installation, InstallationQuery } from '@slack/bolt';
import { workspaceInstallationStore } from '../../src/slack/installation-store';
import { createSecretBox } from '../../src/store/secret-box';
import { createWorkspaceStore } from '../../src/store/workspaces';
import { useTestDatabase } from '../support/database';

const query = (q: Partial<InstallationQuery<boolean>>) => q as InstallationQuery<boolean>;
const installation = (teamId: string, enterprise?: { id: string; name: string }): Installation => ({
  team: { id: teamId, name: 'Acme' },
  enterprise,
  user: { id: 'U0ADMIN001', token: undefined, scopes: undefined },
  bot: { token: `xoxb-${teamId}-1`, scopes: ['chat:write'], id: 'B0BOT00001', userId: 'U0BOT00001' },
  isEnterpriseInstall: false,
  authVersion: 'v2',
});

describe('the installation store Bolt uses', () => {
  const db = useTestDatabase('installation_store');
  const now = new Date('2026-06-01T12:00:00Z');
  let store: ReturnType<typeof workspaceInstallationStore>;
  beforeAll(async () => {
    const workspaces = createWorkspaceStore(
      db.connection,
      createSecretBox({ key: randomBytes(32).toString('hex') }),
    );
    await workspaces.init();
    store = workspaceInstallationStore({ workspaces, clock: () => now });
  });

  it('hands Bolt back the installation of the team a request comes from', async () => {
    await store.storeInstallation(installation('T0STORE001'));
    expect(
      await store.fetchInstallation(query({ teamId: 'T0STORE001', isEnterpriseInstall: false })),
    ).toMatchObject({
      bot: { token: 'xoxb-T0STORE001-1' },
    });
  });

  it('finds nothing for an unknown team, an org-wide query, or a team claimed by another Grid org', async () => {
    await store.storeInstallation(installation('T0GRIDWS01', { id: 'E0GRID0001', name: 'Grid' }));
    const refused = [
      { teamId: 'T0UNKNOWN1', isEnterpriseInstall: false },
      { teamId: undefined, enterpriseId: 'E0GRID0001', isEnterpriseInstall: true },
      { teamId: 'T0GRIDWS01', enterpriseId: 'E0OTHER001', isEnterpriseInstall: false },
    ];
    for (const q of refused) {
      await expect(store.fetchInstallation(query(q))).rejects.toThrow(/not installed/);
    }
    expect(
      await store.fetchInstallation({
        teamId: 'T0GRIDWS01',
        enterpriseId: 'E0GRID0001',
        isEnterpriseInstall: false,
      }),
    ).toMatchObject({ team: { id: 'T0GRIDWS01' } });
  });

  it('refuses to keep an org-wide install', async () => {
    const orgWide = { ...installation('T0IGNORED1'), team: undefined, isEnterpriseInstall: true };
    await expect(store.storeInstallation(orgWide as Installation)).rejects.toThrow(/one workspace at a time/);
  });

  it('deletes the tokens when Bolt deletes an installation', async () => {
    await store.storeInstallation(installation('T0DELETE01'));
    const deleted = query({ teamId: 'T0DELETE01', isEnterpriseInstall: false });
    await store.deleteInstallation?.(deleted);
    await expect(store.fetchInstallation(deleted)).rejects.toThrow(/not installed/);
  });
});
