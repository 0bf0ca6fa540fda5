import type { WebClient } from '@slack/web-api';
import {
  type AccessDecision,
  decideAccess,
  type MembershipCheck,
  membershipCheckOf,
  type Person,
  personRefusal,
  type Refusal,
  refusal,
} from '../../domain/access';
import { DEFAULT_WHO_MAY_ACT, type WorkspaceSettings } from '../../domain/workspace';
import type { Logger } from '../../logger';
import { type SlackPeople, slackErrorOf } from './slack-people';

/**
 * A workspace's settings (alert channel, who may act, …), by its Slack team id. `stored`: as the
 * database has them now, for a submit; otherwise the copy kept in memory may answer (a click).
 */
export type SettingsFor = (teamId: string, read?: { stored: boolean }) => Promise<WorkspaceSettings>;

export interface AccessQuestion {
  /** The interaction's own client: it carries the token of the workspace the request came to. */
  client: WebClient;
  /** The installation's team (Bolt's `context.teamId` after authorize). */
  installationTeamId: string;
  userId: string;
  /** `user.team_id` from the payload, when it has one. */
  payloadTeamId: string | null;
  /** A modal's submit: who may act is checked against the stored settings, not the copy in memory. */
  submit?: boolean;
}

/** Names nobody in particular: used only when the workspace's own settings could not be read. */
export const UNREADABLE_SETTINGS: WorkspaceSettings = {
  alertChannel: null,
  whoMayAct: DEFAULT_WHO_MAY_ACT,
  cooldownHours: 0,
  expiryWarningDays: [],
};

/**
 * How long the decision may take. The guard runs before listeners that must open a view within a
 * trigger_id's 3 s (or answer a modal's submit within Slack's 3 s), and Bolt's client waits out rate
 * limits and retries: past this the interaction is refused with "try again" instead. Answers are
 * cached, so this is only ever spent on a cold or struggling lookup.
 */
const DECISION_DEADLINE_MS = 1_500;

class DecisionTimeout extends Error {
  override readonly name = 'DecisionTimeout';
}

/**
 * Asks Slack what the domain rule needs and applies it. A person refused for who they are (a guest, a
 * stranger) costs one cached users.info; memberships are read only for people who could pass. Anything
 * that cannot be read in time refuses (`check_failed`): relink never guesses in favour of showing a
 * customer.
 */
export async function resolveAccess(
  deps: { people: SlackPeople; settingsFor: SettingsFor; log: Logger; deadlineMs?: number },
  question: AccessQuestion,
): Promise<AccessDecision> {
  const ms = deps.deadlineMs ?? DECISION_DEADLINE_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DecisionTimeout(`who may act not known within ${ms} ms`)), ms);
  });
  // The lookups go on after the deadline: their answers are cached for the next interaction.
  const settings = deps.settingsFor(question.installationTeamId, { stored: question.submit === true });
  // Read, not awaited, by a refusal: settings still unread at the deadline must not hold it up.
  let settingsRead = UNREADABLE_SETTINGS;
  settings.then(
    (read) => {
      settingsRead = read;
    },
    () => undefined,
  );
  try {
    return await Promise.race([decide(deps, question, settings), deadline]);
  } catch (err) {
    return failed(deps.log, err, settingsRead);
  } finally {
    clearTimeout(timer);
  }
}

async function decide(
  deps: { people: SlackPeople },
  question: AccessQuestion,
  settingsRead: Promise<WorkspaceSettings>,
): Promise<AccessDecision> {
  const { client, installationTeamId: team, userId } = question;
  const [person, settings] = await Promise.all([deps.people.person(client, team, userId), settingsRead]);
  if (!person) return refusal('unknown_person', settings);
  const facts: Person = {
    homeTeamIds: [question.payloadTeamId, person.teamId].filter((t): t is string => !!t),
    isStranger: person.isStranger,
    isRestricted: person.isRestricted,
    isUltraRestricted: person.isUltraRestricted,
    isDeleted: person.isDeleted,
    isBot: person.isBot,
  };
  const personal = personRefusal(facts, team);
  if (personal) return refusal(personal, settings);
  const isMember = await isMemberOf(deps.people, question, membershipCheckOf(settings));
  return decideAccess({ person: facts, installationTeamId: team, settings, isMember });
}

async function isMemberOf(people: SlackPeople, q: AccessQuestion, check: MembershipCheck): Promise<boolean> {
  switch (check.kind) {
    case 'none':
      return false;
    case 'channel':
      return (await people.channelMembers(q.client, q.installationTeamId, check.channelId)).has(q.userId);
    case 'usergroup':
      return (await people.usergroupMembers(q.client, q.installationTeamId, check.usergroupId)).has(q.userId);
  }
}

function failed(log: Logger, err: unknown, settings: WorkspaceSettings): Refusal {
  // Slack's error name (missing_scope, channel_not_found, ratelimited) says what to fix; never the payload.
  log.warn(
    { slackError: slackErrorOf(err), error: err instanceof Error ? err.name : typeof err },
    'who may act could not be checked',
  );
  return refusal('check_failed', settings);
}
