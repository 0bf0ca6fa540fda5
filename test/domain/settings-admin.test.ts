import type { Person } from '../../src/domain/access';
import { mayChangeSettings } from '../../src/domain/settings-admin';

const TEAM = 'T0HOME0001';
const member: Person = {
  homeTeamIds: [TEAM],
  isStranger: false,
  isRestricted: false,
  isUltraRestricted: false,
  isDeleted: false,
  isBot: false,
};
const may = (
  person: Partial<Person>,
  as: { admin?: boolean; installer?: boolean; team?: string | null } = {},
) =>
  mayChangeSettings({
    person: { ...member, ...person },
    isWorkspaceAdmin: as.admin ?? false,
    isInstaller: as.installer ?? false,
    installationTeamId: as.team === undefined ? TEAM : as.team,
  });

describe('who may change Settings', () => {
  it('lets admins and owners, and whoever installed relink, but not other members', () => {
    expect(may({}, { admin: true })).toBe(true);
    expect(may({}, { installer: true })).toBe(true);
    expect(may({})).toBe(false);
  });

  it.each([
    ['a guest Slack calls an admin', { isRestricted: true }],
    ['a single-channel guest', { isUltraRestricted: true }],
    ['an admin of another organisation, met in a shared channel', { isStranger: true }],
    ['someone whose home team is another', { homeTeamIds: [TEAM, 'T0PARTNER1'] }],
    ['a deactivated admin', { isDeleted: true }],
    ['a bot', { isBot: true }],
  ])('never lets %s, admin or installer', (_name, person) => {
    expect(may(person, { admin: true, installer: true })).toBe(false);
  });

  it('without the installation’s team, still refuses strangers and guests by Slack’s own flags', () => {
    expect(may({ homeTeamIds: ['T0WHOEVER1'] }, { admin: true, team: null })).toBe(true);
    expect(may({ isStranger: true }, { admin: true, team: null })).toBe(false);
    expect(may({ isRestricted: true }, { admin: true, team: null })).toBe(false);
  });
});
