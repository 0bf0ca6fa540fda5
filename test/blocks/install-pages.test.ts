import {
  type InstallProblem,
  installedPage,
  installPage,
  installProblemPage,
} from '../../blocks/install-pages';

describe('the install pages', () => {
  it('links the install page to Slack’s authorize URL, escaped for HTML', () => {
    const html = installPage('https://slack.com/oauth/v2/authorize?scope=chat:write&client_id=1.2&state=a"b');
    expect(html).toContain(
      '<a href="https://slack.com/oauth/v2/authorize?scope=chat:write&#38;client_id=1.2&#38;state=a&#34;b">Add to Slack</a>',
    );
    expect(html).toMatch(/^<!doctype html>/);
  });

  it('names the workspace and the next steps after an install, escaping the workspace’s name', () => {
    const html = installedPage({
      teamId: 'T0ACME0001',
      teamName: '<script>alert(1)</script>',
      appId: 'A0RELINK01',
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('relink is installed in &#60;script&#62;');
    expect(html).toContain('slack://app?team=T0ACME0001&#38;id=A0RELINK01&#38;tab=home');
    expect(html).toContain('https://app.slack.com/client/T0ACME0001');
    expect(html).toMatch(/In Settings, choose the alert channel/);
    expect(installedPage({ teamId: 'T0ACME0001', teamName: null, appId: null })).toContain(
      'slack://open?team=T0ACME0001',
    );
  });

  it.each<InstallProblem>(['link_expired', 'cancelled', 'org_wide', 'failed'])(
    'says what went wrong with %s in plain words and links back to the install page',
    (problem) => {
      const html = installProblemPage(problem, '/slack/install');
      expect(html).toContain('<a href="/slack/install">Start the install again</a>');
      expect(html).not.toMatch(/slack_oauth|undefined|Error/);
    },
  );
});
