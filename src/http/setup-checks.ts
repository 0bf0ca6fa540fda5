import { setTimeout as sleep } from 'node:timers/promises';
import { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import { UtilityApiError } from '../platforms/utilityapi/errors';
import { boltLogger } from '../slack/bolt-logger';
import type {
  CredentialState,
  SenderState,
  SetupStatus,
  SetupStatusDeps,
  SlackWorkspaceStatus,
} from './setup-status';

/* The setup page's remote checks: each asks its service the cheapest question that proves a credential. */

const CHECK_TIMEOUT_MS = 5_000;
// A uid no authorization has: listing it costs UtilityAPI one lookup and proves the token.
const TOKEN_CHECK_UID = 'relink-setup-check';

export interface Remote {
  slack: SlackWorkspaceStatus[];
  utilityapi: SetupStatus['utilityapi']['accounts'];
  sendgrid: { key: CredentialState; sender: { email: string; state: SenderState } } | null;
}

const withTimeout = <T>(work: Promise<T>): Promise<T> =>
  Promise.race([
    work,
    sleep(CHECK_TIMEOUT_MS, undefined, { ref: false }).then(() => Promise.reject(new Error('timed out'))),
  ]);

const slackError = (err: unknown): string | null => {
  const data = (err as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : null;
};

export async function checkSlack(
  slack: SetupStatusDeps['slack'],
  log: Logger,
): Promise<SlackWorkspaceStatus[]> {
  if (!slack.configured) return [];
  const workspaces = await slack.workspaces();
  return Promise.all(
    workspaces.map(async (workspace): Promise<SlackWorkspaceStatus> => {
      if (!workspace.botToken) return { name: workspace.name, token: 'invalid', channel: null };
      const client = new WebClient(workspace.botToken, {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
        timeout: CHECK_TIMEOUT_MS,
        rejectRateLimitedCalls: true,
        logger: boltLogger(log),
      });
      let name = workspace.name;
      try {
        name = (await client.auth.test()).team ?? name;
      } catch (err) {
        const refused = slackError(err) !== null;
        return { name, token: refused ? 'invalid' : 'unreachable', channel: null };
      }
      if (!workspace.channel) return { name, token: 'valid', channel: null };
      const id = workspace.channel;
      try {
        const { channel } = await client.conversations.info({ channel: id });
        return {
          name,
          token: 'valid',
          channel: { id, name: channel?.name ?? null, botIsMember: channel?.is_member ?? null, error: null },
        };
      } catch (err) {
        return {
          name,
          token: 'valid',
          channel: { id, name: null, botIsMember: null, error: slackError(err) ?? 'unreachable' },
        };
      }
    }),
  );
}

export async function checkUtilityApi(
  accounts: SetupStatusDeps['utilityapi']['accounts'],
): Promise<SetupStatus['utilityapi']['accounts']> {
  return Promise.all(
    (await accounts()).map(async ({ workspaceId, client }) => {
      try {
        await withTimeout(client.getAuthorizations([TOKEN_CHECK_UID]));
        return { workspaceId, token: 'valid' as const };
      } catch (err) {
        const refused = err instanceof UtilityApiError && (err.status === 401 || err.status === 403);
        return { workspaceId, token: refused ? ('invalid' as const) : ('unreachable' as const) };
      }
    }),
  );
}

export async function checkSendgrid(
  sendgrid: NonNullable<SetupStatusDeps['sendgrid']>,
): Promise<Remote['sendgrid']> {
  const get = (path: string) =>
    fetch(new URL(path, sendgrid.apiUrl.endsWith('/') ? sendgrid.apiUrl : `${sendgrid.apiUrl}/`), {
      headers: { authorization: `Bearer ${sendgrid.apiKey}` },
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
  const email = sendgrid.fromEmail;
  try {
    const scopes = await get('v3/scopes');
    if (scopes.status === 401 || scopes.status === 403) {
      return { key: 'invalid', sender: { email, state: 'cannot_tell' } };
    }
    if (!scopes.ok) return { key: 'unreachable', sender: { email, state: 'cannot_tell' } };
    const senders = await get('v3/verified_senders');
    // A key restricted to sending may not list senders: SendGrid then answers 403.
    if (!senders.ok) return { key: 'valid', sender: { email, state: 'cannot_tell' } };
    const body = (await senders.json()) as { results?: { from_email?: unknown; verified?: unknown }[] };
    const identity = (body.results ?? []).find(
      (s) => typeof s.from_email === 'string' && s.from_email.toLowerCase() === email.toLowerCase(),
    );
    const state: SenderState = !identity
      ? 'not_listed'
      : identity.verified === true
        ? 'verified'
        : 'unverified';
    return { key: 'valid', sender: { email, state } };
  } catch {
    return { key: 'unreachable', sender: { email, state: 'cannot_tell' } };
  }
}
