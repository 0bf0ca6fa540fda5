import type { ViewOutput } from '@slack/bolt';
import type { Block, KnownBlock } from '@slack/types';
import { BlockKitLimits } from './block-kit-limits';
import { validateView } from './block-kit-validator';
import type { SlackArgs } from './slack-standin';
import {
  isObject,
  optionalString,
  SlackApiError,
  type SlackMethod,
  slackMessages,
} from './slack-standin-http';
import { type StandinState, slackId } from './slack-standin-state';

/*
 * The stand-in's view methods: views.open / push / update / publish, with Slack's trigger_id rules
 * (once, within 3 s), the three-view stack, hashes and external ids.
 * Source: https://docs.slack.dev/surfaces/modals
 */

type Json = Record<string, unknown>;

const TRIGGER_LIFETIME_MS = 3_000;
const VIEW_STACK_LIMIT = 3;

const plain = (v: unknown) =>
  isObject(v) && typeof v.text === 'string'
    ? {
        type: 'plain_text' as const,
        text: v.text,
        ...(typeof v.emoji === 'boolean' ? { emoji: v.emoji } : {}),
      }
    : null;

const viewArg = (args: SlackArgs, type: 'modal' | 'home'): Json => {
  const view = args.view;
  if (!isObject(view)) throw new SlackApiError('invalid_arguments', ['[ERROR] view must be a JSON object']);
  if (JSON.stringify(view).length > BlockKitLimits.viewBytes) throw new SlackApiError('view_too_large');
  if (view.type !== type) {
    throw new SlackApiError('invalid_arguments', [
      `[ERROR] view type must be ${type} [json-pointer:/view/type]`,
    ]);
  }
  const problems = validateView(view);
  if (problems.length > 0) throw new SlackApiError('invalid_arguments', slackMessages(problems));
  return view;
};

export function viewMethods(state: StandinState): Record<string, SlackMethod> {
  const consumeTrigger = (args: SlackArgs) => {
    const id = args.trigger_id;
    if (typeof id !== 'string' || id === '') {
      throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
    }
    const trigger = state.triggers.get(id);
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (trigger.used) throw new SlackApiError('exchanged_trigger_id');
    if (state.now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) throw new SlackApiError('expired_trigger_id');
    // Spent even if the view turns out invalid: a retry with a fixed view needs a fresh interaction.
    trigger.used = true;
    return trigger;
  };

  const checkExternalId = (view: Json, exceptViewId?: string) => {
    if (typeof view.external_id !== 'string' || view.external_id === '') return;
    for (const stored of state.viewsById.values()) {
      if (stored.output.id !== exceptViewId && stored.output.external_id === view.external_id) {
        throw new SlackApiError('duplicate_external_id');
      }
    }
  };

  const toOutput = (
    view: Json,
    ids: { id: string; root: string | null; previous: string | null },
    teamId: string,
  ): ViewOutput => ({
    id: ids.id,
    team_id: teamId,
    app_installed_team_id: teamId,
    app_id: state.appId,
    bot_id: state.botId,
    type: String(view.type),
    title: plain(view.title) ?? { type: 'plain_text', text: '' },
    close: plain(view.close),
    submit: plain(view.submit),
    // Validated above; the Block Kit types are wider than what the validator accepts.
    blocks: view.blocks as (KnownBlock | Block)[],
    private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
    callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
    external_id: typeof view.external_id === 'string' ? view.external_id : '',
    state: { values: {} },
    hash: state.newHash(),
    clear_on_close: view.clear_on_close === true,
    notify_on_close: view.notify_on_close === true,
    root_view_id: ids.root,
    previous_view_id: ids.previous,
  });

  const findView = (args: SlackArgs) => {
    const viewId = optionalString(args, 'view_id');
    const externalId = optionalString(args, 'external_id');
    if ((viewId === undefined) === (externalId === undefined)) {
      throw new SlackApiError('invalid_arguments', [
        '[ERROR] exactly one of view_id or external_id is required',
      ]);
    }
    const stored = viewId
      ? state.viewsById.get(viewId)
      : [...state.viewsById.values()].find((v) => v.output.external_id === externalId);
    if (!stored?.isOpen) throw new SlackApiError('not_found');
    return stored;
  };

  const checkHash = (args: SlackArgs, current: ViewOutput) => {
    const hash = optionalString(args, 'hash');
    if (hash !== undefined && hash !== current.hash) throw new SlackApiError('hash_conflict');
  };

  return {
    'views.open': (args, caller) => {
      const trigger = consumeTrigger(args);
      const view = viewArg(args, 'modal');
      checkExternalId(view);
      const id = slackId('V');
      const stored = state.storeView(
        toOutput(view, { id, root: id, previous: null }, caller.teamId),
        trigger.userId,
      );
      return { view: stored.output };
    },

    'views.push': (args, caller) => {
      const trigger = consumeTrigger(args);
      const from = trigger.viewId === undefined ? undefined : state.viewsById.get(trigger.viewId);
      if (!from?.isOpen || from.output.type !== 'modal') {
        throw new SlackApiError('invalid_arguments', [
          '[ERROR] views.push needs a trigger_id from an interaction inside an open modal',
        ]);
      }
      const view = viewArg(args, 'modal');
      const root = from.output.root_view_id ?? from.output.id;
      const stack = [...state.viewsById.values()].filter((v) => v.isOpen && v.output.root_view_id === root);
      if (stack.length >= VIEW_STACK_LIMIT) throw new SlackApiError('push_limit_reached');
      checkExternalId(view);
      const output = toOutput(view, { id: slackId('V'), root, previous: from.output.id }, caller.teamId);
      return { view: state.storeView(output, from.userId).output };
    },

    'views.update': (args, caller) => {
      const stored = findView(args);
      checkHash(args, stored.output);
      const view = viewArg(args, stored.output.type === 'home' ? 'home' : 'modal');
      checkExternalId(view, stored.output.id);
      const { id, root_view_id: root, previous_view_id: previous } = stored.output;
      stored.output = toOutput(view, { id, root, previous }, caller.teamId);
      return { view: stored.output };
    },

    'views.publish': (args, caller) => {
      const userId = state.findUser(args.user_id).id;
      const view = viewArg(args, 'home');
      const current = state.homeByUser.get(userId);
      if (current) checkHash(args, current.output);
      checkExternalId(view, current?.output.id);
      const id = current?.output.id ?? slackId('V');
      const stored = state.storeView(
        toOutput(view, { id, root: null, previous: null }, caller.teamId),
        userId,
      );
      state.homeByUser.set(userId, stored);
      return { view: stored.output };
    },
  };
}
