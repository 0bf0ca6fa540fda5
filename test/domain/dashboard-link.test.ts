import { dashboardUrl } from '../../src/domain/dashboard-link';

describe('dashboardUrl', () => {
  it('puts the authorization uid where the template says, encoded', () => {
    expect(dashboardUrl('https://dash.example.com/a/{uid}/view', '12345b')).toBe(
      'https://dash.example.com/a/12345b/view',
    );
    expect(dashboardUrl('https://dash.example.com/a/{uid}', 'a/b?c')).toBe(
      'https://dash.example.com/a/a%2Fb%3Fc',
    );
  });

  it('has no link without a template, a uid, or a {uid} in the template', () => {
    expect(dashboardUrl(null, '12345b')).toBeNull();
    expect(dashboardUrl('https://dash.example.com/a/{uid}', null)).toBeNull();
    expect(dashboardUrl('https://dash.example.com/a/', '12345b')).toBeNull();
  });
});
