import type { Context } from '@slack/bolt';

/** The workspace of an installation's team (as Bolt's `authorize` found it); the workspace directory says. */
export type WorkspaceOfTeam = (teamId: string | undefined) => string;

/** The workspace a Slack request acts in, from Bolt's context. */
export type WorkspaceOf = (context: Context) => string;

/** A request's workspace is its installation team's (src/workspaces/directory.ts, `workspaceOfTeam`). */
export const workspaceOfContext =
  (ofTeam: WorkspaceOfTeam): WorkspaceOf =>
  (context) =>
    ofTeam(context.teamId);
