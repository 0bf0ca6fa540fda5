import { appHomeUrl, teamOfWorkspace } from '../../src/domain/app-home-link';

describe('appHomeUrl', () => {
  it('opens the App Home tab of the team’s app, as Slack’s deep links are shaped', () => {
    expect(appHomeUrl('T0123ABC', 'A0RELINKAPP')).toBe('slack://app?team=T0123ABC&id=A0RELINKAPP&tab=home');
  });

  it('has no link when either id is unknown or not an id (the single workspace has no team id here)', () => {
    expect(appHomeUrl(null, 'A0RELINKAPP')).toBeNull();
    expect(appHomeUrl('T0123ABC', null)).toBeNull();
    expect(appHomeUrl('single', 'A0RELINKAPP')).toBeNull();
    expect(appHomeUrl('T0123ABC', 'A1&tab=x')).toBeNull();
  });
});

describe('teamOfWorkspace', () => {
  it('is the workspace itself with OAuth, and the token’s team for the single workspace once known', () => {
    expect(teamOfWorkspace('T0OAUTH42', 'T0SINGLE1')).toBe('T0OAUTH42');
    expect(teamOfWorkspace('single', 'T0SINGLE1')).toBe('T0SINGLE1');
    expect(teamOfWorkspace('single', null)).toBeNull();
  });
});
