import type { WorkspaceSettings } from './workspace';

/**
 * Who may act (DESIGN.md, "Who may act"): who may see a customer's full email and ask them to
 * reauthorize. People from another organisation and guests never may, whatever the workspace chose;
 * beyond that the workspace's `whoMayAct` narrows it to the alert channel's members or a user group.
 * Checked server-side on every interaction; Slack only supplies the facts.
 */

/** What Slack says about the person acting (users.info and the payload). */
export interface Person {
  /**
   * The person's home workspace as each source names it: the payload's `user.team_id` (in a Slack
   * Connect channel, the clicker's own organisation) and users.info's `team_id`.
   */
  homeTeamIds: readonly string[];
  /** Slack's `is_stranger`: from another organisation, met through a shared channel. */
  isStranger: boolean;
  /** Multi-channel guest. */
  isRestricted: boolean;
  /** Single-channel guest. */
  isUltraRestricted: boolean;
  isDeleted: boolean;
  isBot: boolean;
}

export type RefusalReason =
  | 'guest'
  | 'stranger'
  | 'deactivated'
  | 'bot'
  | 'not_channel_member'
  | 'not_usergroup_member'
  /** `channel_members` was chosen but no alert channel is set, so nobody qualifies. */
  | 'no_alert_channel'
  /** Slack does not know this person in this workspace (users.info: user_not_found). */
  | 'unknown_person'
  /** Slack or the settings could not be read in time: refused rather than guessed. */
  | 'check_failed';

/**
 * Refusals by the workspace's membership setting, not by who the person is. They never apply to the
 * Settings themselves (which admit admins alone): a setting must not lock admins out of changing it.
 */
export const MEMBERSHIP_REFUSALS: readonly RefusalReason[] = [
  'not_channel_member',
  'not_usergroup_member',
  'no_alert_channel',
];

/** Who to ask instead, named in every refusal. */
export type WhoCanHelp =
  | { kind: 'full_members' }
  | { kind: 'channel_members'; channelId: string }
  | { kind: 'usergroup_members'; usergroupId: string }
  | { kind: 'admins' };

export type AccessDecision =
  | { allowed: true }
  | { allowed: false; reason: RefusalReason; whoCanHelp: WhoCanHelp };

export type Refusal = Extract<AccessDecision, { allowed: false }>;

/** The membership a setting asks the Slack side to look up before `decideAccess`. */
export type MembershipCheck =
  | { kind: 'none' }
  | { kind: 'channel'; channelId: string }
  | { kind: 'usergroup'; usergroupId: string };

/** What the audit trail calls a refusal (DESIGN.md, "AuditEvent"). */
export const ACCESS_REFUSED = 'access.refused';

/** The people a workspace's setting lets act: who a refused person should ask. */
export function whoCanHelp(settings: WorkspaceSettings): WhoCanHelp {
  const { whoMayAct, alertChannel } = settings;
  switch (whoMayAct.kind) {
    case 'everyone_but_guests':
      return { kind: 'full_members' };
    case 'channel_members':
      return alertChannel ? { kind: 'channel_members', channelId: alertChannel } : { kind: 'admins' };
    case 'usergroup':
      return { kind: 'usergroup_members', usergroupId: whoMayAct.usergroupId };
  }
}

export const refusal = (reason: RefusalReason, settings: WorkspaceSettings): Refusal => ({
  allowed: false,
  reason,
  // With no alert channel, only an admin can fix the setting; the channel's members cannot help.
  whoCanHelp: reason === 'no_alert_channel' ? { kind: 'admins' } : whoCanHelp(settings),
});

/**
 * Why this person may never act here, whatever the setting, or null. Checked before any membership
 * lookup: a guest or a stranger is refused without reading a channel or a group.
 */
export function personRefusal(person: Person, installationTeamId: string): RefusalReason | null {
  if (person.isDeleted) return 'deactivated';
  if (person.isBot) return 'bot';
  const fromElsewhere = person.homeTeamIds.some((team) => team !== installationTeamId);
  if (person.isStranger || fromElsewhere) return 'stranger';
  if (person.isRestricted || person.isUltraRestricted) return 'guest';
  return null;
}

export function membershipCheckOf(settings: WorkspaceSettings): MembershipCheck {
  const { whoMayAct, alertChannel } = settings;
  if (whoMayAct.kind === 'usergroup') return { kind: 'usergroup', usergroupId: whoMayAct.usergroupId };
  if (whoMayAct.kind === 'channel_members' && alertChannel)
    return { kind: 'channel', channelId: alertChannel };
  return { kind: 'none' };
}

/**
 * The rule itself. `isMember` answers `membershipCheckOf(settings)`; it is ignored when that check
 * is `none`.
 */
export function decideAccess(input: {
  person: Person;
  installationTeamId: string;
  settings: WorkspaceSettings;
  isMember: boolean;
}): AccessDecision {
  const { person, installationTeamId, settings, isMember } = input;
  const personal = personRefusal(person, installationTeamId);
  if (personal) return refusal(personal, settings);
  const { whoMayAct, alertChannel } = settings;
  if (whoMayAct.kind === 'channel_members' && !alertChannel) return refusal('no_alert_channel', settings);
  if (membershipCheckOf(settings).kind === 'none' || isMember) return { allowed: true };
  return refusal(whoMayAct.kind === 'usergroup' ? 'not_usergroup_member' : 'not_channel_member', settings);
}
