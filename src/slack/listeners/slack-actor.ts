import type { SlackActor } from '../../domain/actor';
import { RelinkError } from '../../domain/errors';

/** Who clicked or submitted: the workspace the interaction happened in, and the user. */
export function slackActorOf(body: {
  team: { id: string } | null;
  user: { id: string; team_id?: string };
}): SlackActor {
  // `team` is null for org-wide installs on Enterprise Grid; the user's own team is the next best.
  const teamId = body.team?.id ?? body.user.team_id;
  if (!teamId) throw new RelinkError('slack_payload_invalid', 'interaction payload names no team');
  return { teamId, userId: body.user.id };
}
