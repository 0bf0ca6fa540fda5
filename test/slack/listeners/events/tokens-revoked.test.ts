import { eventually } from '../../../support/eventually';
import { useOAuthRelink } from '../../../support/oauth-relink';

/*
 * tokens_revoked: a revoked bot token leaves relink nothing to act with in that workspace, so it is
 * handled like an uninstall. relink asks for no user scopes and keeps no user token, so a revocation of
 * user tokens alone changes nothing.
 */

const r = useOAuthRelink('tokens_revoked');

describe('tokens_revoked', () => {
  it('deletes the workspace’s tokens when its bot token is revoked', async () => {
    const team = { teamId: 'T0REVOKED1', teamName: 'Revoked', userId: 'U0ADMIN001' };
    expect((await r.install(team)).status).toBe(200);
    const botUserId = r.standin.oauth.tokensOf(team.teamId)[0]?.botUserId ?? '';
    const answer = await r.sendEvent(team.teamId, { type: 'tokens_revoked', tokens: { bot: [botUserId] } });
    expect(answer.status).toBe(200);

    const gone = await eventually(async () => {
      const w = await r.workspaces.get(team.teamId);
      return w?.uninstalledAt ? w : undefined;
    }, 'the workspace to be marked uninstalled');
    expect(gone.installation).toBeNull();
    expect(await r.rawWorkspace(team.teamId)).toMatchObject({ installation: null });
  });

  it('keeps the installation when only user tokens were revoked', async () => {
    const team = { teamId: 'T0USERTOK1', teamName: 'Users', userId: 'U0ADMIN001' };
    expect((await r.install(team)).status).toBe(200);
    const answer = await r.sendEvent(team.teamId, {
      type: 'tokens_revoked',
      tokens: { oauth: [team.userId] },
    });
    expect(answer.status).toBe(200);
    // Nothing observable happens for this event; an event sent after it and seen handled gives it time.
    const other = { teamId: 'T0USERTOK2', teamName: 'Other', userId: 'U0ADMIN002' };
    await r.install(other);
    await r.sendEvent(other.teamId, { type: 'app_uninstalled' });
    await eventually(
      async () => (await r.workspaces.get(other.teamId))?.uninstalledAt,
      'the other uninstall',
    );

    expect(await r.workspaces.get(team.teamId)).toMatchObject({
      uninstalledAt: null,
      installation: { team: { id: team.teamId } },
    });
  });
});
