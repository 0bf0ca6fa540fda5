import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ActionIdValue } from '../ids';

/** What Bolt hands a block action listener whose action is an `A`. */
export type ActionArgs<A extends BlockAction> = SlackActionMiddlewareArgs<A> & AllMiddlewareArgs;
type Handler = (args: ActionArgs<BlockAction>) => Promise<void>;

/**
 * Every block action through one Bolt listener, its handler found by action id in a map. Bolt runs the
 * middleware of each registered listener for every request, to see which one matches: with a listener
 * per action that was about a third of what a click allocated at 200 clicks/s, and the collections it
 * set off delayed acks. `keyed` handlers also get the per-row ids `<base>.<key>` (src/slack/ids.ts).
 */
export function createActionRouter() {
  const exact = new Map<string, Handler>();
  const keyed = new Map<string, Handler>();
  const find = (actionId: string): Handler | undefined => {
    const dot = actionId.indexOf('.');
    if (dot === -1) return exact.get(actionId) ?? keyed.get(actionId);
    return actionId.includes('.', dot + 1) ? undefined : keyed.get(actionId.slice(0, dot));
  };
  return {
    on<A extends BlockAction>(
      actionId: ActionIdValue,
      handler: (args: ActionArgs<A>) => Promise<void>,
      options: { keyed?: boolean } = {},
    ): void {
      const table = options.keyed ? keyed : exact;
      if (exact.has(actionId) || keyed.has(actionId)) throw new Error(`two handlers for ${actionId}`);
      // The action id says which kind of element sent it: the one place that narrows Bolt's union.
      table.set(actionId, handler as Handler);
    },
    register(app: App): void {
      app.action<BlockAction>({ type: 'block_actions' }, async (args) => {
        // An action nobody handles (an input's own dispatch) stays unacknowledged, as Bolt leaves it.
        await find(args.action.action_id)?.(args);
      });
    },
  };
}
