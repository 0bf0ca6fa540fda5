import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ActionId, actionIdPattern, CallbackId } from '../ids';
import { askReauthValue, type Codec, reauthFormMeta, reauthPreviewMeta, retrySendValue } from '../metadata';

/**
 * What the access guard needs to know about an incoming Slack request, read once from the raw body:
 * who is acting, what they tried, which authorization or request it names, and how to answer a
 * refusal. Requests nobody acts in (other events, view_closed) are not interactions.
 */
export interface Interaction {
  kind: 'block_actions' | 'view_submission' | 'slash_command' | 'app_home_opened';
  userId: string;
  /** The person's home team as the payload says (`user.team_id`); absent from commands and events. */
  payloadTeamId: string | null;
  /** For the audit trail, in Slack's ids: `block_actions:ask_reauth`, `command:/reauth`. */
  attempted: string;
  authorizationId: string | null;
  requestId: string | null;
  /** The same in Slack's retries of this interaction, different for any other (refusalAuditId). */
  key: string;
  triggerId: string | null;
  /** A click inside an open modal: a refusal is pushed onto it rather than opened beside it. */
  inModal: boolean;
}

const User = z.object({ id: z.string().min(1), team_id: z.string().nullish() });
const BlockActions = z.object({
  type: z.literal('block_actions'),
  user: User,
  trigger_id: z.string().nullish(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().nullish() })).min(1),
  view: z.object({ type: z.string() }).nullish(),
});
const ViewSubmission = z.object({
  type: z.literal('view_submission'),
  user: User,
  trigger_id: z.string().nullish(),
  view: z.object({ callback_id: z.string(), private_metadata: z.string().nullish() }),
});
const SlashCommand = z.object({
  command: z.string().min(1),
  user_id: z.string().min(1),
  trigger_id: z.string().nullish(),
});
const HomeOpened = z.object({
  type: z.literal('event_callback'),
  event_id: z.string().min(1),
  event: z.object({ type: z.literal('app_home_opened'), user: z.string().min(1), tab: z.string().nullish() }),
});

const digest = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 24);
// Without a trigger_id (never seen from Slack) each request counts as its own interaction.
const keyOf = (triggerId: string | null | undefined): string =>
  digest(triggerId ?? `${Date.now()}:${Math.random()}`);

/** The field `codec` finds in `raw`, or null: a value relink did not write names nothing. */
function named<T, K extends keyof T>(codec: Codec<T>, raw: unknown, field: K): T[K] | null {
  try {
    return codec.decode(raw)[field];
  } catch {
    return null;
  }
}

function blockAction(body: z.infer<typeof BlockActions>): Interaction {
  const [action] = body.actions;
  const actionId = action?.action_id ?? '';
  const value = action?.value;
  const isAsk = actionIdPattern(ActionId.askReauth).test(actionId);
  return {
    kind: 'block_actions',
    userId: body.user.id,
    payloadTeamId: body.user.team_id ?? null,
    attempted: `block_actions:${actionId}`,
    authorizationId: isAsk ? (named(askReauthValue, value, 'authorizationId') ?? null) : null,
    requestId: actionId === ActionId.retrySend ? (named(retrySendValue, value, 'requestId') ?? null) : null,
    key: keyOf(body.trigger_id),
    triggerId: body.trigger_id ?? null,
    inModal: body.view?.type === 'modal',
  };
}

function viewSubmission(body: z.infer<typeof ViewSubmission>): Interaction {
  const { callback_id: callbackId, private_metadata: metadata } = body.view;
  const authorizationId =
    callbackId === CallbackId.reauthForm
      ? named(reauthFormMeta, metadata, 'authorizationId')
      : callbackId === CallbackId.reauthPreview
        ? named(reauthPreviewMeta, metadata, 'authorizationId')
        : null;
  return {
    kind: 'view_submission',
    userId: body.user.id,
    payloadTeamId: body.user.team_id ?? null,
    attempted: `view_submission:${callbackId}`,
    authorizationId,
    requestId: null,
    key: keyOf(body.trigger_id),
    triggerId: body.trigger_id ?? null,
    inModal: true,
  };
}

export function interactionOf(body: unknown): Interaction | null {
  const action = BlockActions.safeParse(body);
  if (action.success) return blockAction(action.data);
  const submission = ViewSubmission.safeParse(body);
  if (submission.success) return viewSubmission(submission.data);
  const command = SlashCommand.safeParse(body);
  if (command.success) {
    return {
      kind: 'slash_command',
      userId: command.data.user_id,
      payloadTeamId: null,
      // The command's text is left out: it is often a customer's email or name.
      attempted: `command:${command.data.command}`,
      authorizationId: null,
      requestId: null,
      key: keyOf(command.data.trigger_id),
      triggerId: command.data.trigger_id ?? null,
      inModal: false,
    };
  }
  const home = HomeOpened.safeParse(body);
  // The Messages tab shows nothing of relink's, so only the Home tab is guarded.
  if (home.success && home.data.event.tab === 'home') {
    return {
      kind: 'app_home_opened',
      userId: home.data.event.user,
      payloadTeamId: null,
      attempted: 'event:app_home_opened',
      authorizationId: null,
      requestId: null,
      // Slack's retries of an event keep its event_id.
      key: digest(home.data.event_id),
      triggerId: null,
      inModal: false,
    };
  }
  return null;
}
