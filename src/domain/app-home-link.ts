import { SINGLE_WORKSPACE_ID } from './workspace';

/**
 * The deep link that opens relink's App Home in Slack: `slack://app?team=<TEAM_ID>&id=<APP_ID>&tab=home`
 * (Slack, "Deep linking into Slack", https://api.slack.com/reference/deep-linking). Both ids are
 * needed; when either is unknown there is no link rather than a guessed one.
 */
export function appHomeUrl(teamId: string | null, appId: string | null): string | null {
  if (!teamId || !appId || !/^[TE][A-Z0-9]+$/.test(teamId) || !/^A[A-Z0-9]+$/.test(appId)) return null;
  return `slack://app?team=${teamId}&id=${appId}&tab=home`;
}

/**
 * The team whose App Home a workspace's notices link to: an OAuth workspace is its team; the single
 * workspace is the team its bot token belongs to, known once Slack answered at start (null before).
 */
export const teamOfWorkspace = (workspaceId: string, singleWorkspaceTeam: string | null): string | null =>
  workspaceId === SINGLE_WORKSPACE_ID ? singleWorkspaceTeam : workspaceId;
