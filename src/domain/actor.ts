/** A person acting in Slack: the workspace the interaction happened in, and the user. */
export interface SlackActor {
  teamId: string;
  userId: string;
}

/** How the audit trail names who did something (DESIGN.md, "AuditEvent"). */
export const auditActorOf = (who: SlackActor): string => `slack:${who.teamId}/${who.userId}`;
