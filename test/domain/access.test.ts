import {
  decideAccess,
  membershipCheckOf,
  type Person,
  personRefusal,
  refusal,
  whoCanHelp,
} from '../../src/domain/access';
import type { WhoMayAct, WorkspaceSettings } from '../../src/domain/workspace';

const TEAM = 'T0HOME0001';
const OTHER_TEAM = 'T0OTHER001';

const member: Person = {
  homeTeamIds: [TEAM, TEAM],
  isStranger: false,
  isRestricted: false,
  isUltraRestricted: false,
  isDeleted: false,
  isBot: false,
};
const settingsWith = (
  whoMayAct: WhoMayAct,
  alertChannel: string | null = 'C0ALERTS01',
): WorkspaceSettings => ({
  alertChannel,
  whoMayAct,
  cooldownHours: 24,
  expiryWarningDays: [14, 3],
});
const everyone = settingsWith({ kind: 'everyone_but_guests' });
const channel = settingsWith({ kind: 'channel_members' });
const group = settingsWith({ kind: 'usergroup', usergroupId: 'S0BILLING1' });

const decide = (person: Person, settings: WorkspaceSettings, isMember = true) =>
  decideAccess({ person, installationTeamId: TEAM, settings, isMember });

describe('who may act', () => {
  it('lets a full member act under the default setting, without any membership lookup', () => {
    expect(membershipCheckOf(everyone)).toEqual({ kind: 'none' });
    expect(decide(member, everyone, false)).toEqual({ allowed: true });
  });

  it.each([
    ['a multi-channel guest', { isRestricted: true }],
    ['a single-channel guest', { isUltraRestricted: true }],
  ])('refuses %s under every setting, even as a member of the channel or group', (_, flags) => {
    const guest = { ...member, ...flags };
    for (const settings of [everyone, channel, group]) {
      expect(decide(guest, settings, true)).toMatchObject({ allowed: false, reason: 'guest' });
    }
  });

  it('refuses someone from another organisation, by the payload’s team, users.info’s team or is_stranger', () => {
    const byPayload = { ...member, homeTeamIds: [OTHER_TEAM, TEAM] };
    const byUsersInfo = { ...member, homeTeamIds: [TEAM, OTHER_TEAM] };
    const byFlag = { ...member, isStranger: true };
    for (const person of [byPayload, byUsersInfo, byFlag]) {
      for (const settings of [everyone, channel, group]) {
        expect(decide(person, settings, true)).toMatchObject({ allowed: false, reason: 'stranger' });
      }
    }
  });

  it('calls a stranger a stranger even when Slack also marks them a guest', () => {
    expect(personRefusal({ ...member, isStranger: true, isRestricted: true }, TEAM)).toBe('stranger');
  });

  it('refuses deactivated people and bots', () => {
    expect(decide({ ...member, isDeleted: true }, everyone)).toMatchObject({ reason: 'deactivated' });
    expect(decide({ ...member, isBot: true }, everyone)).toMatchObject({ reason: 'bot' });
  });

  it('admits a member of the alert channel and refuses anyone else, naming the channel', () => {
    expect(membershipCheckOf(channel)).toEqual({ kind: 'channel', channelId: 'C0ALERTS01' });
    expect(decide(member, channel, true)).toEqual({ allowed: true });
    expect(decide(member, channel, false)).toEqual({
      allowed: false,
      reason: 'not_channel_member',
      whoCanHelp: { kind: 'channel_members', channelId: 'C0ALERTS01' },
    });
  });

  it('admits a member of the user group and refuses anyone else, naming the group', () => {
    expect(membershipCheckOf(group)).toEqual({ kind: 'usergroup', usergroupId: 'S0BILLING1' });
    expect(decide(member, group, true)).toEqual({ allowed: true });
    expect(decide(member, group, false)).toEqual({
      allowed: false,
      reason: 'not_usergroup_member',
      whoCanHelp: { kind: 'usergroup_members', usergroupId: 'S0BILLING1' },
    });
  });

  it('lets nobody act under "channel members" while no alert channel is chosen, and points to an admin', () => {
    const noChannel = settingsWith({ kind: 'channel_members' }, null);
    expect(membershipCheckOf(noChannel)).toEqual({ kind: 'none' });
    expect(decide(member, noChannel, true)).toEqual({
      allowed: false,
      reason: 'no_alert_channel',
      whoCanHelp: { kind: 'admins' },
    });
  });

  it('names who can help by the setting', () => {
    expect(whoCanHelp(everyone)).toEqual({ kind: 'full_members' });
    expect(whoCanHelp(channel)).toEqual({ kind: 'channel_members', channelId: 'C0ALERTS01' });
    expect(whoCanHelp(group)).toEqual({ kind: 'usergroup_members', usergroupId: 'S0BILLING1' });
    expect(refusal('check_failed', group)).toEqual({
      allowed: false,
      reason: 'check_failed',
      whoCanHelp: { kind: 'usergroup_members', usergroupId: 'S0BILLING1' },
    });
  });
});
