import { appHomeUrl } from '../../src/domain/app-home-link';

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
