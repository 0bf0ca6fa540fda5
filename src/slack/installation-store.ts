import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { OAuthStateClaims } from '../store/oauth-state-claims';
import type { WorkspaceStore } from '../store/workspaces';
import type { SlackConfig } from './app';
import type { InstallStores } from './install-options';
import { oneTimeStateStore } from './oauth-state';

/**
 * Bolt's InstallationStore over relink's workspace store: Bolt stores what an OAuth install returns,
 * and before every request fetches the installation of the team it came from (that is where each
 * request's bot token comes from). Enterprise Grid org-wide installs are not kept (see
 * install-callbacks.ts), so a query for one finds nothing and Bolt refuses the request.
 */
export function workspaceInstallationStore(deps: {
  workspaces: Pick<WorkspaceStore, 'get' | 'saveInstallation' | 'markUninstalled'>;
  clock: () => Date;
}): InstallationStore {
  const { workspaces, clock } = deps;
  return {
    async storeInstallation(installation) {
      await workspaces.saveInstallation(installation as Installation, clock());
    },

    async fetchInstallation(query: InstallationQuery<boolean>) {
      const teamId = query.isEnterpriseInstall ? undefined : query.teamId;
      const workspace = teamId ? await workspaces.get(teamId) : null;
      const installation = workspace?.installation;
      // A request naming another Grid org than the one the team was installed under is not for it.
      const installedOrg = installation?.enterprise?.id;
      const otherOrg = Boolean(installedOrg && query.enterpriseId && installedOrg !== query.enterpriseId);
      if (!installation || otherOrg) {
        // Bolt turns this into an authorization error: the request is refused before any listener runs.
        throw new Error(`relink is not installed in team ${teamId ?? '(org-wide)'}`);
      }
      return installation;
    },

    async deleteInstallation(query: InstallationQuery<boolean>) {
      if (query.teamId) await workspaces.markUninstalled(query.teamId, clock());
    },
  };
}

/** What createSlackApp needs for OAuth installs (nothing without SLACK_CLIENT_ID). */
export function installStoresFor(input: {
  oauth: SlackConfig['oauth'];
  workspaces: WorkspaceStore;
  oauthStateClaims: OAuthStateClaims;
  clock: () => Date;
}): Partial<InstallStores> {
  if (!input.oauth) return {};
  return {
    installationStore: workspaceInstallationStore({ workspaces: input.workspaces, clock: input.clock }),
    stateStore: oneTimeStateStore({ secret: input.oauth.stateSecret, claims: input.oauthStateClaims }),
  };
}
