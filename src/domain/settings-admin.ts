import { type Person, personRefusal } from './access';

/**
 * Who may change a workspace's Settings (DESIGN.md, "Workspace"): its admins and owners, and whoever
 * installed relink there. Nobody a rule of "who may act" always refuses (a guest, someone from another
 * organisation, a deactivated account, a bot) may, whatever Slack calls them: a Slack Connect
 * partner's `is_admin` speaks of their own organisation, not this one.
 */
export function mayChangeSettings(input: {
  person: Person;
  /** users.info's `is_admin`, `is_owner` or `is_primary_owner`. */
  isWorkspaceAdmin: boolean;
  /** The person who installed relink in this workspace (OAuth installs). */
  isInstaller: boolean;
  /**
   * The installation's team, to compare with the person's home team; null where it is not known
   * (the Home in single-workspace mode), when only Slack's own flags are checked.
   */
  installationTeamId: string | null;
}): boolean {
  const { person, installationTeamId } = input;
  // Without the installation's team there is nothing to compare home teams with; is_stranger remains.
  const facts = installationTeamId ? person : { ...person, homeTeamIds: [] };
  if (personRefusal(facts, installationTeamId ?? '') !== null) return false;
  return input.isWorkspaceAdmin || input.isInstaller;
}
