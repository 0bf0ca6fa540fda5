import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SlackArgs } from './slack-standin';
import { optionalString, SlackApiError, type SlackCaller, type SlackMethod } from './slack-standin-http';
import { type StandinState, slackId } from './slack-standin-state';

/*
 * The Slack stand-in's OAuth side (https://docs.slack.dev/authentication/installing-with-oauth):
 * `GET /oauth/v2/authorize`, where "the person in the browser" (`signInAs`) approves the install and is
 * sent back to the app's redirect URL with a one-time code; `oauth.v2.access`, which trades that code
 * for a bot token; and `auth.test` / `auth.revoke` for the tokens it issued. Stricter than Slack: a code
 * works once, for 10 minutes, for the client it was issued to, and an unknown scope is refused.
 * Sources: https://docs.slack.dev/reference/methods/oauth.v2.access, …/auth.revoke
 */

type Json = Record<string, unknown>;

export interface StandinOAuthApp {
  clientId: string;
  clientSecret: string;
  /** The app's one configured redirect URL; can be set once the app's port is known (setRedirectUrl). */
  redirectUrl?: string;
}

/** Who is signed in to Slack in the browser that opens the authorize page, and what they install. */
export interface InstallingUser {
  teamId: string;
  teamName?: string;
  userId: string;
  enterprise?: { id: string; name: string };
  /** An Enterprise Grid org-wide install: the token belongs to the org, not to a team. */
  orgWide?: boolean;
  /** The person presses Cancel instead of Allow. */
  cancels?: boolean;
}

/** A token the stand-in issued through OAuth: who it belongs to and whether it still works. */
export interface IssuedToken {
  token: string;
  teamId: string;
  teamName: string;
  enterprise?: { id: string; name: string };
  orgWide: boolean;
  botUserId: string;
  botId: string;
  scopes: string[];
  revoked: boolean;
}

interface Grant {
  clientId: string;
  installer: InstallingUser;
  scopes: string[];
  /** Set only when the authorize request named one: then oauth.v2.access must name the same. */
  redirectUri?: string;
  issuedAt: number;
  used: boolean;
}

const CODE_LIFETIME_MS = 10 * 60_000;
const SCOPE = /^[a-z]+(?:[.:][a-z_.]+)*$/;

export function createStandinOAuth(state: StandinState, app: StandinOAuthApp | undefined) {
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, IssuedToken>();
  // One bot user per team, kept across reinstalls as Slack does.
  const bots = new Map<string, { botUserId: string; botId: string }>();
  let redirectUrl = app?.redirectUrl;
  let installer: InstallingUser = { teamId: state.teamId, teamName: 'relink test', userId: 'U0INSTALLER' };

  function redirectTo(res: ServerResponse, target: string, params: Record<string, string | null>): void {
    const url = new URL(target);
    for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
    res.writeHead(302, { location: url.toString() });
    res.end();
  }

  function refusePage(res: ServerResponse, error: string): void {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`Slack stand-in: ${error}`);
  }

  /** `GET /oauth/v2/authorize?client_id&scope&state[&redirect_uri]`: the install page Slack shows. */
  function authorize(req: IncomingMessage, res: ServerResponse): void {
    const query = new URL(req.url ?? '/', 'http://standin').searchParams;
    const problem = authorizeProblem(req, query);
    if (problem) {
      refusePage(res, problem);
      return;
    }
    const target = query.get('redirect_uri') ?? redirectUrl ?? '';
    const passedState = query.get('state');
    if (installer.cancels) {
      redirectTo(res, target, { error: 'access_denied', state: passedState });
      return;
    }
    const code = `${Date.now()}.${randomBytes(16).toString('hex')}`;
    grants.set(code, {
      clientId: app?.clientId ?? '',
      installer,
      scopes: (query.get('scope') ?? '').split(','),
      redirectUri: query.get('redirect_uri') ?? undefined,
      issuedAt: state.now(),
      used: false,
    });
    redirectTo(res, target, { code, state: passedState });
  }

  /** What Slack's authorize page would refuse, or null. */
  function authorizeProblem(req: IncomingMessage, query: URLSearchParams): string | null {
    if (req.method !== 'GET') return 'GET only';
    if (!app || query.get('client_id') !== app.clientId) return 'invalid_client_id';
    const scopes = (query.get('scope') ?? '').split(',').filter(Boolean);
    if (scopes.length === 0 || !scopes.every((s) => SCOPE.test(s))) return 'invalid_scope';
    const asked = query.get('redirect_uri');
    if (asked !== null && asked !== redirectUrl) return 'bad_redirect_uri';
    if (!(asked ?? redirectUrl)) return 'no_redirect_uri';
    return null;
  }

  function botOf(teamKey: string) {
    let bot = bots.get(teamKey);
    if (!bot) {
      bot = { botUserId: slackId('U'), botId: slackId('B') };
      bots.set(teamKey, bot);
    }
    return bot;
  }

  function issueToken(grant: Grant): IssuedToken {
    const who = grant.installer;
    const teamKey = who.orgWide ? (who.enterprise?.id ?? who.teamId) : who.teamId;
    // A reinstall over a working install keeps its bot token, as Slack does.
    const current = [...tokens.values()].find((t) => !t.revoked && t.teamId === teamKey);
    if (current) return current;
    const issued: IssuedToken = {
      token: `xoxb-${teamKey}-${randomBytes(12).toString('hex')}`,
      teamId: teamKey,
      teamName: who.teamName ?? teamKey,
      enterprise: who.enterprise,
      orgWide: who.orgWide ?? false,
      ...botOf(teamKey),
      scopes: grant.scopes,
      revoked: false,
    };
    tokens.set(issued.token, issued);
    return issued;
  }

  /** Client credentials from HTTP Basic auth (Slack's preference) or the form, as Slack accepts both. */
  function clientOf(args: SlackArgs, authorization: string | undefined) {
    const basic = /^Basic (.+)$/.exec(authorization ?? '')?.[1];
    if (basic) {
      const [id = '', ...secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      return { id, secret: secret.join(':') };
    }
    return { id: optionalString(args, 'client_id'), secret: optionalString(args, 'client_secret') };
  }

  const accessMethod = (args: SlackArgs, caller: { authorization?: string }): Json => {
    const grantType = optionalString(args, 'grant_type');
    if (grantType !== undefined && grantType !== 'authorization_code') {
      throw new SlackApiError('invalid_grant_type');
    }
    const client = clientOf(args, caller.authorization);
    if (!app || client.id !== app.clientId) throw new SlackApiError('invalid_client_id');
    if (client.secret !== app.clientSecret) throw new SlackApiError('bad_client_secret');
    const code = optionalString(args, 'code');
    const grant = code === undefined ? undefined : grants.get(code);
    if (!grant || grant.used || grant.clientId !== client.id) throw new SlackApiError('invalid_code');
    if (state.now() - grant.issuedAt > CODE_LIFETIME_MS) throw new SlackApiError('invalid_code');
    if (grant.redirectUri !== undefined && optionalString(args, 'redirect_uri') !== grant.redirectUri) {
      throw new SlackApiError('bad_redirect_uri');
    }
    grant.used = true;
    const issued = issueToken(grant);
    const who = grant.installer;
    return {
      access_token: issued.token,
      token_type: 'bot',
      scope: issued.scopes.join(','),
      bot_user_id: issued.botUserId,
      app_id: state.appId,
      team: issued.orgWide ? null : { id: issued.teamId, name: issued.teamName },
      enterprise: issued.enterprise ?? null,
      is_enterprise_install: issued.orgWide,
      authed_user: { id: who.userId },
    };
  };

  return {
    authorize,
    /** Methods that take no token: the client id and secret authenticate them. */
    tokenless: { 'oauth.v2.access': accessMethod } as Record<
      string,
      (args: SlackArgs, caller: { authorization?: string }) => Json
    >,
    /** Methods answered for the caller's issued token; undefined hands the call to the default method. */
    forIssuedToken(method: string, token: string): SlackMethod | undefined {
      const issued = tokens.get(token);
      if (!issued) return undefined;
      if (method === 'auth.test') {
        return () => ({
          url: `https://${issued.teamId.toLowerCase()}.slack.com/`,
          team: issued.teamName,
          user: 'relink',
          team_id: issued.teamId,
          user_id: issued.botUserId,
          bot_id: issued.botId,
          is_enterprise_install: issued.orgWide,
          ...(issued.enterprise ? { enterprise_id: issued.enterprise.id } : {}),
        });
      }
      if (method === 'auth.revoke') {
        return () => {
          issued.revoked = true;
          return { revoked: true };
        };
      }
      return undefined;
    },
    /** Who calls with an issued token (revoked or not): its workspace and bot; undefined for others. */
    callerOf(token: string): SlackCaller | undefined {
      const issued = tokens.get(token);
      return issued && { token, teamId: issued.teamId, botUserId: issued.botUserId, botId: issued.botId };
    },
    /** null when `token` may call the Web API; otherwise Slack's error for it. */
    tokenError(token: string): string | null {
      const issued = tokens.get(token);
      if (!issued) return 'invalid_auth';
      return issued.revoked ? 'token_revoked' : null;
    },
    control: {
      setRedirectUrl(url: string) {
        redirectUrl = url;
      },
      signInAs(user: InstallingUser) {
        installer = user;
      },
      /** Tokens issued for a team (org-wide: the enterprise id), newest last. */
      tokensOf: (teamId: string): IssuedToken[] => [...tokens.values()].filter((t) => t.teamId === teamId),
      /** The app is removed from a team: Slack revokes its tokens (and would send app_uninstalled). */
      uninstall(teamId: string) {
        for (const t of tokens.values()) if (t.teamId === teamId) t.revoked = true;
      },
    },
  };
}

export type StandinOAuth = ReturnType<typeof createStandinOAuth>;
export type StandinOAuthControl = StandinOAuth['control'];
