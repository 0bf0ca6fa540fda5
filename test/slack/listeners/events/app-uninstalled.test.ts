import { loadConfig } from '../../../../src/config';
import { createLogger } from '../../../../src/logger';
import { type RunningRelink, startRelink } from '../../../../src/main';
import { SlackPath } from '../../../../src/slack/receivers';
import { testDatabaseUri, uniqueDbName } from '../../../support/database';
import { eventually } from '../../../support/eventually';
import { SIGNING_SECRET, useOAuthRelink } from '../../../support/oauth-relink';
import { postToSlackEndpoint } from '../../../support/slack-signing';
import { createSlackStandin } from '../../../support/slack-standin';

/*
 * app_uninstalled (DESIGN.md, "Workspace"): the workspace's tokens and platform credentials are deleted
 * and relink stops acting for it; its settings stay, and installing again works.
 */

const r = useOAuthRelink('app_uninstalled');
const ACME = { teamId: 'T0UNINST01', teamName: 'Acme', userId: 'U0ADMIN001' };
const homeOpened = (user = 'U0ALICE001') => ({
  type: 'app_home_opened',
  user,
  channel: 'D0HOME0001',
  tab: 'home',
});

describe('app_uninstalled', () => {
  it('deletes the workspace’s tokens, refuses its requests from then on, and a reinstall works', async () => {
    expect((await r.install(ACME)).status).toBe(200);
    await r.workspaces.updateSettings(ACME.teamId, { alertChannel: 'C0ACMEALR1' });
    await r.workspaces.connectUtilityApi(ACME.teamId, { token: 'uapi-acme', webhookSecret: 'whsec-acme' });
    // Installed: Bolt finds the team's installation and takes the request.
    expect((await r.sendEvent(ACME.teamId, homeOpened())).status).toBe(200);
    // Slack revokes the tokens, then tells relink.
    r.standin.oauth.uninstall(ACME.teamId);
    const answer = await r.sendEvent(ACME.teamId, { type: 'app_uninstalled' });
    expect(answer.status).toBe(200);

    const gone = await eventually(async () => {
      const w = await r.workspaces.get(ACME.teamId);
      return w?.uninstalledAt ? w : undefined;
    }, 'the workspace to be marked uninstalled');
    expect(gone).toMatchObject({
      installation: null,
      utilityApi: null,
      settings: { alertChannel: 'C0ACMEALR1' },
    });
    expect(await r.rawWorkspace(ACME.teamId)).toMatchObject({ installation: null, utilityApi: null });
    expect((await r.workspaces.listActive()).map((w) => w.id)).not.toContain(ACME.teamId);
    // Bolt finds no installation for the team any more: refused before any listener runs.
    expect((await r.sendEvent(ACME.teamId, homeOpened())).status).toBe(401);

    const again = await r.install(ACME);
    expect(again.status).toBe(200);
    const [, fresh] = r.standin.oauth.tokensOf(ACME.teamId);
    expect(await r.workspaces.get(ACME.teamId)).toMatchObject({
      uninstalledAt: null,
      installation: { bot: { token: fresh?.token } },
      settings: { alertChannel: 'C0ACMEALR1' },
    });
  });

  it('is acknowledged for a team relink never knew, and stores nothing for it', async () => {
    expect((await r.sendEvent('T0STRANGER', { type: 'app_uninstalled' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await r.workspaces.get('T0STRANGER')).toBeNull();
  });
});

describe('app_uninstalled in single-workspace mode', () => {
  const standin = createSlackStandin({ botToken: 'xoxb-single-0001', teamId: 'T0SINGLE01' });
  const lines: string[] = [];
  let relink: RunningRelink | undefined;
  beforeAll(async () => {
    const { apiUrl } = await standin.start();
    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('uninstall_single')}`,
      SLACK_BOT_TOKEN: 'xoxb-single-0001',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALERT_CHANNEL: 'C0ALERTS01',
      SLACK_API_URL: apiUrl,
    });
    const log = createLogger({ level: 'info', pretty: false }, { write: (line: string) => lines.push(line) });
    relink = await startRelink(config, log);
  });
  afterAll(async () => {
    await relink?.stop();
    await standin.stop();
  });

  it('cannot delete a token kept in the environment, so it tells the operator what to do', async () => {
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: 'T0SINGLE01',
      api_app_id: 'A0RELINKAPP',
      event: { type: 'app_uninstalled' },
      type: 'event_callback',
      event_id: 'Ev0SINGLE01',
      event_time: Math.floor(Date.now() / 1000),
    });
    const url = `http://127.0.0.1:${relink?.port}${SlackPath.events}`;
    expect((await postToSlackEndpoint(url, body, SIGNING_SECRET, 'application/json')).status).toBe(200);
    const warning = await eventually(
      () =>
        lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'app_uninstalled'),
      'the warning',
    );
    expect(warning).toMatchObject({ level: 40, workspaceId: 'single' });
    expect(String(warning.msg)).toContain('set SLACK_BOT_TOKEN to its new token');
    expect(lines.join('')).not.toContain('xoxb-single-0001');
  });
});
