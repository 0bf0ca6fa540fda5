import { WebClient } from '@slack/web-api';
import { mayChangeSettings } from '../domain/settings-admin';
import type { Logger } from '../logger';
import { type SlackPeople, slackErrorOf } from './access/slack-people';
import { createTtlCache } from './access/ttl-cache';

export interface SettingsAdminQuestion {
  workspaceId: string;
  userId: string;
  /** The interaction's client (its workspace's token); absent on the Home, which uses the workspace's. */
  client?: WebClient;
  /** Bolt's `context.teamId`; null where it is not known (see mayChangeSettings). */
  installationTeamId: string | null;
  /** The payload's `user.team_id`, when it has one. */
  payloadTeamId: string | null;
}

/** Yes, no, or null when Slack or the database could not say in time (never guessed as yes). */
export type AdminAnswer = boolean | null;

export interface SettingsAdminsDeps {
  /** The access guard's own lookups: users.info is cached there, so a Home or a click costs no extra call. */
  people: SlackPeople;
  installerOf: (workspaceId: string) => Promise<string | null>;
  /** A client with the workspace's bot token, or null once it uninstalled relink. */
  clientFor: (workspaceId: string) => Promise<WebClient | null>;
  log: Logger;
  deadlineMs?: number;
  now?: () => number;
}

// Both callers answer Slack within 3 s afterwards (a views.open, a modal's submit).
const DEADLINE_MS = 1_500;
const INSTALLER_TTL_MS = 60_000;

/**
 * Who may change a workspace's Settings, asked of Slack (users.info's admin and owner flags) and of
 * the workspace store (who installed relink). Every Home publish asks, to show the Settings button or
 * not; the Settings listeners ask again on open and on submit, since a button can be forged.
 */
export function createSettingsAdmins(deps: SettingsAdminsDeps) {
  const log = deps.log.child({ component: 'settings-admins' });
  const installers = createTtlCache<string | null>({
    ttlMs: INSTALLER_TTL_MS,
    maxEntries: 10_000,
    now: deps.now ?? Date.now,
  });

  async function decide(q: SettingsAdminQuestion): Promise<boolean> {
    const client = q.client ?? (await deps.clientFor(q.workspaceId));
    if (!client) return false;
    // Keyed like the access guard's lookups (the installation's team), so its answer is reused.
    const team = q.installationTeamId ?? q.workspaceId;
    const [person, installer] = await Promise.all([
      deps.people.person(client, team, q.userId),
      installers.get(q.workspaceId, () => deps.installerOf(q.workspaceId)),
    ]);
    if (!person) return false;
    return mayChangeSettings({
      person: {
        homeTeamIds: [q.payloadTeamId, person.teamId].filter((t): t is string => !!t),
        isStranger: person.isStranger,
        isRestricted: person.isRestricted,
        isUltraRestricted: person.isUltraRestricted,
        isDeleted: person.isDeleted,
        isBot: person.isBot,
      },
      isWorkspaceAdmin: person.isAdmin,
      isInstaller: installer !== null && installer === q.userId,
      installationTeamId: q.installationTeamId,
    });
  }

  async function isAdmin(q: SettingsAdminQuestion): Promise<AdminAnswer> {
    const ms = deps.deadlineMs ?? DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    try {
      const answer = await Promise.race([decide(q), deadline]);
      if (answer === null) log.warn({ workspaceId: q.workspaceId }, 'settings admin check timed out');
      return answer;
    } catch (err) {
      log.warn(
        {
          workspaceId: q.workspaceId,
          slackError: slackErrorOf(err),
          error: err instanceof Error ? err.name : typeof err,
        },
        'settings admin check failed',
      );
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    isAdmin,
    /** For the App Home: whether to show the Settings button (not when unsure). */
    async viewerIsAdmin(workspaceId: string, userId: string): Promise<boolean> {
      const answer = await isAdmin({ workspaceId, userId, installationTeamId: null, payloadTeamId: null });
      return answer === true;
    },
  };
}

export type SettingsAdmins = ReturnType<typeof createSettingsAdmins>;

/**
 * Clients with each workspace's bot token, for the Home's admin check. They only carry the token and
 * API URL: the people lookups make their calls through clients of their own built from these.
 */
export function botClients(deps: {
  botToken: (workspaceId: string) => Promise<string | null>;
  slackApiUrl: string;
}): (workspaceId: string) => Promise<WebClient | null> {
  const byToken = new Map<string, WebClient>();
  return async (workspaceId) => {
    const token = await deps.botToken(workspaceId);
    if (!token) return null;
    let client = byToken.get(token);
    if (!client) {
      client = new WebClient(token, { slackApiUrl: deps.slackApiUrl });
      byToken.set(token, client);
      // One per installation; a token replaced on reinstall leaves an entry behind, so keep it bounded.
      for (const oldest of byToken.keys()) {
        if (byToken.size <= 1_000) break;
        byToken.delete(oldest);
      }
    }
    return client;
  };
}
