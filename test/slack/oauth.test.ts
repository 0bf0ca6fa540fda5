import { randomBytes } from 'node:crypto';
import { decodeEncryptionKey } from '../../src/config';
import { SLACK_CONTRACT } from '../../src/slack/manifest-contract';
import { SlackPath } from '../../src/slack/receivers';
import { createSecretBox } from '../../src/store/secret-box';
import { ENCRYPTION_KEY, OAUTH_APP, useOAuthRelink } from '../support/oauth-relink';

/*
 * Multi-workspace installs over HTTP (issue 10): relink's own server serves /slack/install and
 * /slack/oauth_redirect, the Slack stand-in plays slack.com, and the stored installation is checked in
 * the database as relink left it.
 */

const r = useOAuthRelink('oauth');

let teams = 0;
const newTeam = (name = 'Acme') => {
  teams += 1;
  return { teamId: `T0OAUTH${String(teams).padStart(4, '0')}`, teamName: name, userId: 'U0ADMIN001' };
};
const accessCalls = () => r.standin.callsTo('oauth.v2.access').length;

describe('installing relink in a workspace over OAuth', () => {
  it('serves an install page whose link asks Slack for exactly the contract’s scopes, and sets the state cookie', async () => {
    const { status, html, authorizeUrl, cookie } = await r.openInstallPage();
    expect(status).toBe(200);
    expect(html).toContain('Add relink to Slack');
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${r.standin.url}/oauth/v2/authorize`);
    expect(authorizeUrl.searchParams.get('client_id')).toBe(OAUTH_APP.clientId);
    expect(authorizeUrl.searchParams.get('scope')?.split(',').sort()).toEqual(
      [...SLACK_CONTRACT.scopes].sort(),
    );
    expect(cookie).toBe(`slack-app-oauth-state=${authorizeUrl.searchParams.get('state')}`);
  });

  it('stores the installation after the round trip and tells the installer what to do next', async () => {
    const team = newTeam('Acme & <Sons>');
    const run = await r.install(team);

    expect(run.status).toBe(200);
    expect(run.page).toContain('relink is installed in Acme &#38; &#60;Sons&#62;');
    expect(run.page).toMatch(/App Home/);
    expect(run.page).toMatch(/Settings, choose the alert channel/);
    expect(run.page).toContain(`slack://app?team=${team.teamId}`);
    expect(run.headers.get('cache-control')).toBe('no-store');
    expect(run.headers.getSetCookie().join()).toMatch(
      /slack-app-oauth-state=deleted; .*Expires=Thu, 01 Jan 1970/,
    );

    const [issued] = r.standin.oauth.tokensOf(team.teamId);
    const workspace = await r.workspaces.get(team.teamId);
    expect(workspace).toMatchObject({
      teamName: 'Acme & <Sons>',
      installerUserId: team.userId,
      botUserId: issued?.botUserId,
      uninstalledAt: null,
      installation: { team: { id: team.teamId }, bot: { token: issued?.token, id: issued?.botId } },
    });
    expect((await r.workspaces.listActive()).map((w) => w.id)).toContain(team.teamId);
  });

  it('grants Settings to the first installer only: a plain member who reinstalls gets none', async () => {
    const team = { ...newTeam(), userId: 'U0FIRST001' };
    await r.install(team);
    const reinstall = await r.install({ ...team, userId: 'U0MEMBER02' });
    expect(reinstall.status).toBe(200);

    const { settingsAdmins } = r.services;
    expect(await settingsAdmins.viewerIsAdmin(team.teamId, 'U0MEMBER02')).toBe(false);
    expect(await settingsAdmins.viewerIsAdmin(team.teamId, 'U0FIRST001')).toBe(true);
    expect(await r.workspaces.get(team.teamId)).toMatchObject({ installerUserId: 'U0FIRST001' });
  });

  it('keeps the bot token unreadable in the database without the key', async () => {
    const team = newTeam();
    await r.install(team);
    const token = r.standin.oauth.tokensOf(team.teamId)[0]?.token ?? 'missing';

    const stored = await r.rawWorkspace(team.teamId);
    const text = JSON.stringify(stored);
    expect(text).not.toContain(token);
    expect(text).not.toContain('xoxb-');
    const sealed = String(stored?.installation);
    const context = `workspace:${team.teamId}:installation`;
    const anotherKey = createSecretBox({ key: randomBytes(32).toString('hex') });
    expect(() => anotherKey.open(sealed, context)).toThrow(
      expect.objectContaining({ code: 'secret_unreadable' }),
    );
    const theKey = createSecretBox({ key: decodeEncryptionKey(ENCRYPTION_KEY) ?? '' });
    expect(JSON.parse(theKey.open(sealed, context))).toMatchObject({ bot: { token } });
  });

  it('refuses a forged state and a state from another browser without trading the code', async () => {
    const { authorizeUrl, cookie } = await r.openInstallPage();
    const redirect = await r.authorizeAt(authorizeUrl, newTeam());
    const before = accessCalls();

    const forged = new URL(redirect);
    forged.searchParams.set('state', 'eyJuIjoiZm9yZ2VkIn0.c2lnbmF0dXJl');
    const withForged = await r.returnTo(forged, 'slack-app-oauth-state=eyJuIjoiZm9yZ2VkIn0.c2lnbmF0dXJl');
    expect(withForged.status).toBe(400);
    expect(withForged.page).toContain('This install link has expired');
    expect(withForged.page).toContain(`href="${SlackPath.install}"`);

    // The right state, but this browser never opened the install page: no cookie, or someone else's.
    expect((await r.returnTo(redirect, null)).status).toBe(400);
    const other = await r.openInstallPage();
    expect((await r.returnTo(redirect, other.cookie)).status).toBe(400);
    expect(accessCalls()).toBe(before);

    // The same browser can still finish: the refusals above used nothing up.
    expect((await r.returnTo(redirect, cookie)).status).toBe(200);
    expect(accessCalls()).toBe(before + 1);
  });

  it('refuses a replayed state, even with a fresh code from Slack', async () => {
    const team = newTeam();
    const run = await r.install(team);
    expect(run.status).toBe(200);
    const calls = accessCalls();

    const again = await r.authorizeAt(run.authorizeUrl, team);
    expect(again.searchParams.get('state')).toBe(run.redirect.searchParams.get('state'));
    expect(again.searchParams.get('code')).not.toBe(run.redirect.searchParams.get('code'));
    const replay = await r.returnTo(again, run.cookie);
    expect(replay.status).toBe(400);
    expect(replay.page).toContain('already used');
    expect(accessCalls()).toBe(calls);
  });

  it('refuses an org-wide Enterprise Grid install with a plain page, keeps nothing, and revokes the token', async () => {
    const grid = { id: 'E0GRID0001', name: 'Grid Org' };
    const run = await r.install({ ...newTeam(), orgWide: true, enterprise: grid });

    expect(run.status).toBe(403);
    expect(run.page).toContain('relink installs into one workspace at a time');
    expect(run.page).not.toMatch(/slack_oauth|Error|at \w+ \(/);
    expect(await r.workspaces.get(grid.id)).toBeNull();
    expect(r.standin.oauth.tokensOf(grid.id).map((t) => t.revoked)).toEqual([true]);
    expect(r.standin.callsTo('auth.revoke')).toHaveLength(1);
  });

  it('says the install was cancelled when the installer pressed Cancel at Slack', async () => {
    const team = newTeam();
    const run = await r.install({ ...team, cancels: true });
    expect(run.status).toBe(200);
    expect(run.page).toContain('The install was cancelled in Slack.');
    expect(await r.workspaces.get(team.teamId)).toBeNull();
  });

  it('answers a failed code exchange with a page to start again, not an error', async () => {
    const { authorizeUrl, cookie } = await r.openInstallPage();
    const redirect = await r.authorizeAt(authorizeUrl, newTeam());
    r.standin.failNext('oauth.v2.access', { error: 'invalid_code' });
    const answer = await r.returnTo(redirect, cookie);
    expect(answer.status).toBe(500);
    expect(answer.page).toContain('Slack did not confirm the install');
    expect(answer.page).not.toContain('invalid_code');
  });
});
