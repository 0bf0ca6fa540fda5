import { WebAPIPlatformError, WebClient } from '@slack/web-api';
import { boltLogger } from '../../src/slack/bolt-logger';
import { silentLog } from './silent-log';
import { createSlackStandin } from './slack-standin';

const APP = { clientId: '1111111111.2222222222', clientSecret: 'the-client-secret' };
const REDIRECT = 'https://relink.example.test/slack/oauth_redirect';
const ACME = { teamId: 'T0ACME0001', teamName: 'Acme', userId: 'U0ADMIN001' };
const T0 = 1_700_000_000_000;

let clock = T0;
const standin = createSlackStandin({ botToken: 'xoxb-configured', now: () => clock, oauth: APP });
const quietLogger = boltLogger(silentLog());
const clientWith = (token?: string) =>
  new WebClient(token, {
    slackApiUrl: `${standin.url}/api/`,
    retryConfig: { retries: 0 },
    logger: quietLogger,
  });

beforeAll(async () => {
  await standin.start();
  standin.oauth.setRedirectUrl(REDIRECT);
});
afterAll(() => standin.stop());
beforeEach(() => {
  clock = T0;
  standin.oauth.signInAs(ACME);
});

const authorizeUrl = (params: Record<string, string>) =>
  `${standin.url}/oauth/v2/authorize?${new URLSearchParams({
    client_id: APP.clientId,
    scope: 'chat:write,commands',
    state: 'the-state',
    ...params,
  })}`;

/** Opens the authorize page as the signed-in person and presses Allow: where Slack sends them back. */
async function approve(params: Record<string, string> = {}): Promise<URL> {
  const response = await fetch(authorizeUrl(params), { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

async function slackError(call: Promise<unknown>): Promise<string> {
  const err = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof WebAPIPlatformError)) throw err;
  return err.data.error;
}

const exchange = (code: string, secret = APP.clientSecret, clientId = APP.clientId) =>
  clientWith().oauth.v2.access({ client_id: clientId, client_secret: secret, code });

describe('Slack stand-in: OAuth installs', () => {
  it('sends the installer back with a one-time code and the state, traded once for a working bot token', async () => {
    const back = await approve();
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('the-state');
    const code = back.searchParams.get('code') ?? '';

    const granted = await exchange(code);
    expect(granted).toMatchObject({
      ok: true,
      token_type: 'bot',
      scope: 'chat:write,commands',
      team: { id: ACME.teamId, name: 'Acme' },
      enterprise: null,
      is_enterprise_install: false,
      authed_user: { id: ACME.userId },
    });
    const token = String(granted.access_token);
    expect(token).toMatch(/^xoxb-/);
    expect(await clientWith(token).auth.test()).toMatchObject({
      team_id: ACME.teamId,
      user_id: granted.bot_user_id,
    });
    expect(await slackError(exchange(code))).toBe('invalid_code');
  });

  it('answers like Slack for a wrong client id or secret, an unknown or expired code, a grant type', async () => {
    const code = (await approve()).searchParams.get('code') ?? '';
    expect(await slackError(exchange(code, 'not-the-secret'))).toBe('bad_client_secret');
    expect(await slackError(exchange(code, APP.clientSecret, '9.9'))).toBe('invalid_client_id');
    expect(await slackError(exchange('made-up-code'))).toBe('invalid_code');
    expect(
      await slackError(
        clientWith().oauth.v2.access({
          client_id: APP.clientId,
          client_secret: APP.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: 'xoxe-1',
        }),
      ),
    ).toBe('invalid_grant_type');
    // Refusals above did not use the code up; ten minutes do.
    clock += 10 * 60_000 + 1;
    expect(await slackError(exchange(code))).toBe('invalid_code');
  });

  it('accepts the client credentials through HTTP Basic auth too', async () => {
    const code = (await approve()).searchParams.get('code') ?? '';
    const response = await fetch(`${standin.url}/api/oauth.v2.access`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ code }).toString(),
    });
    expect(await response.json()).toMatchObject({ ok: true, team: { id: ACME.teamId } });
  });

  it('refuses an authorize request for another client, an unknown redirect URL or no scope', async () => {
    const refused: Record<string, string>[] = [
      { client_id: '9.9' },
      { redirect_uri: 'https://evil.example/cb' },
      { scope: '' },
      { scope: 'chat:write,NOT A SCOPE' },
    ];
    for (const params of refused) {
      const response = await fetch(authorizeUrl(params), { redirect: 'manual' });
      expect(response.status).toBe(400);
    }
  });

  it('sends the installer back with access_denied when they cancel', async () => {
    standin.oauth.signInAs({ ...ACME, cancels: true });
    const back = await approve();
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('describes an org-wide Enterprise Grid install the way Slack does: an enterprise, no team', async () => {
    standin.oauth.signInAs({ ...ACME, orgWide: true, enterprise: { id: 'E0GRID0001', name: 'Grid' } });
    const code = (await approve()).searchParams.get('code') ?? '';
    expect(await exchange(code)).toMatchObject({
      team: null,
      enterprise: { id: 'E0GRID0001', name: 'Grid' },
      is_enterprise_install: true,
    });
  });

  it('keeps a working token on reinstall, and refuses it after auth.revoke or an uninstall', async () => {
    const team = { ...ACME, teamId: 'T0REVOKE01' };
    standin.oauth.signInAs(team);
    const first = String((await exchange((await approve()).searchParams.get('code') ?? '')).access_token);
    const again = String((await exchange((await approve()).searchParams.get('code') ?? '')).access_token);
    expect(again).toBe(first);

    expect(await clientWith(first).auth.revoke()).toMatchObject({ ok: true, revoked: true });
    expect(await slackError(clientWith(first).auth.test())).toBe('token_revoked');

    const fresh = String((await exchange((await approve()).searchParams.get('code') ?? '')).access_token);
    expect(fresh).not.toBe(first);
    standin.oauth.uninstall(team.teamId);
    expect(await slackError(clientWith(fresh).chat.postMessage({ channel: 'C0ANY00001', text: 'hi' }))).toBe(
      'token_revoked',
    );
    expect(standin.oauth.tokensOf(team.teamId).every((t) => t.revoked)).toBe(true);
    expect(await slackError(clientWith('xoxb-never-issued').auth.test())).toBe('invalid_auth');
  });
});

describe('Slack stand-in: each issued token acts in its own workspace', () => {
  const tokenFor = async (teamId: string) => {
    standin.oauth.signInAs({ teamId, teamName: teamId, userId: 'U0ADMIN001' });
    return String((await exchange((await approve()).searchParams.get('code') ?? '')).access_token);
  };

  it('posts as the token’s own bot, records the token, and refuses another workspace’s channel', async () => {
    const [north, south] = [await tokenFor('T0NORTH001'), await tokenFor('T0SOUTH001')];
    standin.addChannel({ id: 'C0NORTH001', teamId: 'T0NORTH001' });

    const posted = await clientWith(north).chat.postMessage({ channel: 'C0NORTH001', text: 'hi' });
    const [issued] = standin.oauth.tokensOf('T0NORTH001');
    expect(standin.messages('C0NORTH001').get(String(posted.ts))).toMatchObject({
      token: north,
      teamId: 'T0NORTH001',
      user: issued?.botUserId,
      botId: issued?.botId,
    });
    for (const call of [
      clientWith(south).chat.postMessage({ channel: 'C0NORTH001', text: 'hi' }),
      clientWith(south).chat.update({ channel: 'C0NORTH001', ts: String(posted.ts), text: 'changed' }),
      clientWith(south).conversations.info({ channel: 'C0NORTH001' }),
    ]) {
      expect(await slackError(call)).toBe('channel_not_found');
    }
    expect(standin.callsTo('chat.update').at(-1)).toMatchObject({ token: south, teamId: 'T0SOUTH001' });

    // An unlisted channel belongs to the first workspace that uses it.
    await clientWith(south).chat.postMessage({ channel: 'C0SOUTH001', text: 'hi' });
    expect(await slackError(clientWith(north).chat.postMessage({ channel: 'C0SOUTH001', text: 'hi' }))).toBe(
      'channel_not_found',
    );
  });

  it('answers users.info with the asking workspace for a person whose team is not given', async () => {
    const token = await tokenFor('T0EAST0001');
    standin.addUser({ id: 'U0EASTER01' });
    expect(await clientWith(token).users.info({ user: 'U0EASTER01' })).toMatchObject({
      user: { team_id: 'T0EAST0001' },
    });
  });
});
