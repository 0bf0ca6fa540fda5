import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  StaticSelectAction,
} from '@slack/bolt';
import { triagedRowMessage } from '../../../../blocks/triage-row-message';
import { TRIAGE_FAILURE_WORDS, triageDoneWords } from '../../../../blocks/triage-words';
import type { TriageCommand } from '../../../domain/triage';
import { ActionId } from '../../ids';
import { triageValue } from '../../triage-values';
import { explainFailure } from '../explain-failure';
import { slackActorOf } from '../slack-actor';
import type { ListenerDeps } from '../types';
import { republishHome } from './home-publish';

/** What Bolt hands a listener for a triage button or a Snooze/Dismiss menu choice. */
export type TriageArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction | StaticSelectAction>> &
  AllMiddlewareArgs;

/**
 * "I'm on it", Unassign, Snooze…, Wake up, Dismiss… and Reopen, wherever they are: on a notice (the
 * notice and its thread follow through the outbox), on the App Home (published again for the person
 * who clicked) or on a `/reauth` list (the row is replaced, as it is now, with what happened).
 */
export const triageAction = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.triage });
  return async (args: TriageArgs): Promise<void> => {
    const { ack, body, action, client, context } = args;
    await ack();
    const workspaceId = deps.workspaceOf(context);
    let words: string;
    let done: { authorizationId: string; command: TriageCommand } | null = null;
    try {
      const raw = action.type === 'button' ? action.value : action.selected_option?.value;
      const { authorizationId, command } = triageValue.decode(raw);
      const outcome = await deps.triage.triage(workspaceId, authorizationId, command, slackActorOf(body));
      words = triageDoneWords(command, outcome.customerName, outcome.changed);
      done = { authorizationId, command };
    } catch (err) {
      ({ words } = explainFailure(err, { log, msg: 'triage not saved', words: TRIAGE_FAILURE_WORDS }));
    }
    if (body.view?.type === 'home') {
      await republishHome(deps, log, { body, client, context }, {});
    } else if (body.container?.is_ephemeral && body.response_url) {
      const message = await rowAsItIs(deps, workspaceId, done?.authorizationId ?? null, words);
      await args.respond({ replace_original: true, ...message });
    } else if (!done && body.channel?.id) {
      // On a notice, success shows on the notice itself; a failure only to the person who clicked.
      await client.chat.postEphemeral({ channel: body.channel.id, user: body.user.id, text: words });
    }
  };
};

/** The answer that replaces a `/reauth` list: what happened, and the row as the worklist has it now. */
async function rowAsItIs(
  deps: ListenerDeps,
  workspaceId: string,
  authorizationId: string | null,
  words: string,
) {
  const now = deps.clock();
  if (!authorizationId) return triagedRowMessage(words, undefined, undefined, now);
  const { items } = await deps.worklist.find(workspaceId, authorizationId, 1);
  const lastRequests = deps.worklist.lastRequestsFor(workspaceId, items);
  return triagedRowMessage(words, items[0], lastRequests.get(authorizationId), now);
}
