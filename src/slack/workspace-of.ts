import type { Context } from '@slack/bolt';
import { RelinkError } from '../domain/errors';
import { SINGLE_WORKSPACE_ID } from '../domain/workspace';

/** The workspace of an installation's team (as Bolt's `authorize` found it). */
export type WorkspaceOfTeam = (teamId: string | undefined) => string;

/** The workspace a Slack request acts in, from Bolt's context. */
export type WorkspaceOf = (context: Context) => string;

/**
 * Single-workspace mode has one workspace (payloads from any other team are refused by `authorize`
 * before listeners run). With OAuth a workspace is its installation's team.
 */
export function workspaceOfTeam(mode: 'single' | 'oauth'): WorkspaceOfTeam {
  if (mode === 'single') return () => SINGLE_WORKSPACE_ID;
  return (teamId) => {
    if (!teamId) throw new RelinkError('slack_payload_invalid', 'the request names no installed team');
    return teamId;
  };
}

export function workspaceOf(mode: 'single' | 'oauth'): WorkspaceOf {
  const ofTeam = workspaceOfTeam(mode);
  return (context) => ofTeam(context.teamId);
}
