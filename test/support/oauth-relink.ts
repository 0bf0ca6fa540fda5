import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { loadConfig } from '../../src/config';
import { type RunningRelink, type StartOptions, startRelink } from '../../src/main';
import { SlackPath } from '../../src/slack/receivers';
import { connect } from '../../src/store/database';
import type { WorkspaceStore } from '../../src/store/workspaces';
import { testDatabaseUri, uniqueDbName } from './database';
import { silentLog } from './silent-log';
import { postToSlackEndpoint } from './slack-signing';
import { createSlackStandin, type SlackStandin } from './slack-standin';
import type { InstallingUser } from './slack-standin-oauth';

/*
 * relink started as a multi-workspace (OAuth) install, with the Slack stand-in playing slack.com: the
 * install link, Slack's authorize page, the redirect back with code, state and the browser's cookie,
 * and signed Events API requests, all over real HTTP. One per test file.
 */

export const OAUTH_APP = { clientId: '1234567890.0987654321', clientSecret: 'oauth-client-secret-0001' };
export const SIGNING_SECRET = 'abcdef0123456789abcdef0123456789';
export const ENCRYPTION_KEY = randomBytes(32).toString('base64');

/** What the installer's browser saw, step by step. */
export interface InstallRun {
  /** The authorize URL the install page links to (at the stand-in). */
  authorizeUrl: URL;
  /** `slack-app-oauth-state=…`, as the browser sends it back. */
  cookie: string;
  /** Where Slack sent the browser back to: relink's redirect URL with code and state. */
  redirect: URL;
  /** relink's answer to the redirect. */
  status: number;
  page: string;
  headers: Headers;
}

/** More of relink's setup, for tests that need the platforms too. */
export interface OAuthRelinkOptions {
  /** More environment (UTILITYAPI_URL, SENDGRID_…), read at start: stand-ins started in earlier beforeAll hooks are up. */
  env?: () => Record<string, string>;
  start?: StartOptions;
}

const unescapeHtml = (text: string) =>
  text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

export function useOAuthRelink(label: string, options: OAuthRelinkOptions = {}) {
  const standin: SlackStandin = createSlackStandin({
    botToken: 'xoxb-unused-in-oauth-mode',
    oauth: OAUTH_APP,
  });
  const dbName = uniqueDbName(label);
  let relink: RunningRelink | undefined;
  let raw: Connection | undefined;
  let base = '';

  beforeAll(async () => {
    const { apiUrl } = await standin.start();
    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${dbName}`,
      SLACK_CLIENT_ID: OAUTH_APP.clientId,
      SLACK_CLIENT_SECRET: OAUTH_APP.clientSecret,
      SLACK_STATE_SECRET: 'state-secret-for-oauth-tests',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALERT_CHANNEL: 'C0ALERTS01',
      SLACK_API_URL: apiUrl,
      RELINK_ENCRYPTION_KEY: ENCRYPTION_KEY,
      ...options.env?.(),
    });
    relink = await startRelink(config, silentLog(), options.start);
    base = `http://127.0.0.1:${relink.port}`;
    standin.oauth.setRedirectUrl(`${base}${SlackPath.oauthRedirect}`);
    raw = await connect(testDatabaseUri(), dbName);
  });
  afterAll(async () => {
    await relink?.stop();
    await raw?.dropDatabase().catch(() => undefined);
    await raw?.close();
    await standin.stop();
  });

  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useOAuthRelink: only inside tests');
    return value;
  };

  /** GET /slack/install: the page, its Add to Slack link and the state cookie it sets. */
  async function openInstallPage(): Promise<{
    status: number;
    html: string;
    authorizeUrl: URL;
    cookie: string;
  }> {
    const response = await fetch(`${base}${SlackPath.install}`);
    const html = await response.text();
    const href = /<a href="([^"]+)">Add to Slack<\/a>/.exec(html)?.[1] ?? '';
    const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '')[0] ?? '';
    return { status: response.status, html, authorizeUrl: new URL(unescapeHtml(href)), cookie };
  }

  /** The browser at Slack's authorize page, signed in as `as`: where Slack sends it back. */
  async function authorizeAt(authorizeUrl: URL, as?: InstallingUser): Promise<URL> {
    if (as) standin.oauth.signInAs(as);
    const response = await fetch(authorizeUrl, { redirect: 'manual' });
    if (response.status !== 302)
      throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
    return new URL(response.headers.get('location') ?? '');
  }

  /** GET relink's redirect URL, as the browser does, with the cookie (or without, or another one). */
  async function returnTo(redirect: URL, cookie: string | null) {
    const response = await fetch(redirect, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
    return { status: response.status, page: await response.text(), headers: response.headers };
  }

  /** The whole install, as one browser does it. */
  async function install(as: InstallingUser): Promise<InstallRun> {
    const { authorizeUrl, cookie } = await openInstallPage();
    const redirect = await authorizeAt(authorizeUrl, as);
    return { authorizeUrl, cookie, redirect, ...(await returnTo(redirect, cookie)) };
  }

  /** POSTs an Events API callback for `teamId`, signed as Slack signs it. */
  const sendEvent = (teamId: string, event: Record<string, unknown>) =>
    postToSlackEndpoint(
      `${base}${SlackPath.events}`,
      JSON.stringify({
        token: 'deprecated-verification-token',
        team_id: teamId,
        api_app_id: 'A0RELINKAPP',
        event,
        type: 'event_callback',
        event_id: `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
        event_time: Math.floor(Date.now() / 1000),
      }),
      SIGNING_SECRET,
      'application/json',
    );

  return {
    standin,
    get base() {
      return base;
    },
    get workspaces(): WorkspaceStore {
      return ready(relink).services.workspaces;
    },
    get services(): RunningRelink['services'] {
      return ready(relink).services;
    },
    /** relink's database, read without relink. */
    get db(): Connection {
      return ready(raw);
    },
    /** The workspace's document as stored, read without relink. */
    rawWorkspace: (teamId: string) =>
      ready(raw)
        .collection('workspaces')
        .findOne({ _id: teamId as never }),
    openInstallPage,
    authorizeAt,
    returnTo,
    install,
    sendEvent,
  };
}
