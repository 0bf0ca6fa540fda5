import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { type AccessDecision, MEMBERSHIP_REFUSALS, type Refusal, refusal } from '../../domain/access';
import { auditActorOf } from '../../domain/actor';
import type { Logger } from '../../logger';
import type { RecordedRefusal } from '../../store/refusals';
import { ActionId, CallbackId } from '../ids';
import type { WorkspaceOf } from '../workspace-of';
import { type Interaction, interactionOf } from './interaction';
import { resolveAccess, type SettingsFor, UNREADABLE_SETTINGS } from './resolve-access';
import { type Ack, showRefusal } from './show-refusal';
import { type SlackPeople, slackErrorOf } from './slack-people';

/** What "who may act" needs; built once in `src/main.ts`. */
export interface AccessDeps {
  people: SlackPeople;
  settingsFor: SettingsFor;
  refusals: { record(refusal: RecordedRefusal): Promise<void> };
}

export interface AccessGuardDeps {
  access: AccessDeps;
  workspaceOf: WorkspaceOf;
  clock: () => Date;
  log: Logger;
}

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

const SETTINGS = new Set([
  `block_actions:${ActionId.openSettings}`,
  `view_submission:${CallbackId.workspaceSettings}`,
]);

/**
 * The one place "who may act" is enforced (DESIGN.md, "Who may act"): a global middleware that runs
 * before every listener for each click, modal submit, slash command and App Home opening. A person who
 * may act passes through untouched, so listeners stay thin; anyone else gets a refusal in place of what
 * they asked for, and the refusal is audited. Requests from a team without an installation never get
 * here: `authorize` (src/slack/app.ts) refuses them before any data is read.
 */
export function accessGuard(deps: AccessGuardDeps): Middleware<AnyMiddlewareArgs> {
  const log = deps.log.child({ component: 'access-guard' });
  return async (args: Args) => {
    const interaction = interactionOf(args.body);
    if (!interaction) return args.next();
    const decision = await decide(deps, log, args, interaction);
    if (decision.allowed) return args.next();
    // The Settings listeners admit admins alone (src/slack/settings-admins.ts).
    if (SETTINGS.has(interaction.attempted) && MEMBERSHIP_REFUSALS.includes(decision.reason))
      return args.next();
    await refuse(deps, log, args, interaction, decision);
  };
}

async function decide(
  deps: AccessGuardDeps,
  log: Logger,
  args: Args,
  interaction: Interaction,
): Promise<AccessDecision> {
  const installationTeamId = args.context.teamId;
  if (!installationTeamId) {
    // authorize always names the team (src/slack/app.ts); without one there is nobody to compare with.
    log.warn({ attempted: interaction.attempted }, 'request names no installed team');
    return refusal('check_failed', UNREADABLE_SETTINGS);
  }
  return resolveAccess(
    { people: deps.access.people, settingsFor: deps.access.settingsFor, log },
    {
      client: args.client,
      installationTeamId,
      userId: interaction.userId,
      payloadTeamId: interaction.payloadTeamId,
      // A click must answer from memory; a submit, which writes, re-checks the database.
      submit: interaction.kind === 'view_submission',
    },
  );
}

async function refuse(
  deps: AccessGuardDeps,
  log: Logger,
  args: Args,
  interaction: Interaction,
  decision: Refusal,
): Promise<void> {
  const teamId = args.context.teamId ?? interaction.payloadTeamId ?? 'unknown';
  const at = deps.clock();
  const facts = {
    teamId,
    userId: interaction.userId,
    attempted: interaction.attempted,
    reason: decision.reason,
  };
  log.info(facts, 'access refused');
  const ack = 'ack' in args ? (args.ack as Ack) : undefined;
  // The answer first: a modal submit must be answered, and a trigger_id used, within Slack's 3 s.
  await showRefusal({ ack, client: args.client }, interaction, decision).catch((err: unknown) => {
    log.warn({ ...facts, slackError: slackErrorOf(err) }, 'access refusal not shown');
  });
  await deps.access.refusals
    .record({
      workspaceId: workspaceIdOf(deps, args, teamId),
      actor: auditActorOf({ teamId, userId: interaction.userId }),
      reason: decision.reason,
      attempted: interaction.attempted,
      authorizationId: interaction.authorizationId,
      requestId: interaction.requestId,
      interactionKey: interaction.key,
      at,
    })
    .catch((err: unknown) => {
      log.error({ ...facts, err }, 'access refusal not recorded');
    });
}

function workspaceIdOf(deps: AccessGuardDeps, args: Args, teamId: string): string {
  try {
    return deps.workspaceOf(args.context);
  } catch {
    return teamId;
  }
}
