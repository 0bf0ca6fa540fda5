import type { KnownBlock } from '@slack/types';
import { STEP_FAILURE_WORDS } from '../../../../blocks/failure-words';
import { reauthListMessage, reauthUsageMessage } from '../../../../blocks/reauth-list-message';
import { COMMAND_LIST_LIMIT, scopeOfFilter, type WorklistFilter } from '../../../domain/worklist';
import { Command } from '../../ids';
import { parseReauthCommand, type ReauthCommand } from '../../reauth-command';
import { explainFailure } from '../explain-failure';
import type { CommandArgs, ListenerDeps } from '../types';
import { listRowFacts } from './list-row-facts';
import { findCustomer } from './reauth-find';
import { historyQueryOf, reauthHistory } from './reauth-history';

type Message = { text: string; blocks?: KnownBlock[] };

/**
 * `/reauth`: finds a customer and opens the reauth form, lists a worklist filter, or explains itself.
 * Answers only the person who typed it (ephemeral), through the command's response_url, which works
 * in any conversation, unlike chat.postEphemeral, which needs relink to be a member of it.
 */
export const reauthCommand = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: Command.reauth });
  return async ({ ack, command, respond, client, context }: CommandArgs): Promise<void> => {
    // At once: answers come from the in-memory worklist (src/worklist/), which waits for its first load
    // from the database just after a start, and opening the form reads the database (see reauth-find.ts).
    await ack();
    const workspaceId = deps.workspaceOf(context);
    const historyQuery = historyQueryOf(command.text);
    if (historyQuery !== null) {
      const at = { workspaceId, query: historyQuery, triggerId: command.trigger_id, respond, client };
      await reauthHistory(deps, log, at);
      return;
    }
    const request = parseReauthCommand(command.text);
    if (request.kind === 'find') {
      await findCustomer(deps, log, {
        workspaceId,
        query: request.query,
        triggerId: command.trigger_id,
        respond,
        client,
      });
      return;
    }
    let message: Message;
    try {
      message =
        request.kind === 'list'
          ? await listMessage(deps, workspaceId, request.filter, command.user_id)
          : await usage(deps, workspaceId, request);
    } catch (err) {
      const { words } = explainFailure(err, {
        log,
        msg: 'reauth command not answered',
        words: STEP_FAILURE_WORDS.answerCommand,
      });
      message = { text: words };
    }
    await respond({ response_type: 'ephemeral', ...message });
  };
};

/** `/reauth list <filter>`: the first rows of that filter, newest problem first, with their buttons. */
async function listMessage(
  deps: ListenerDeps,
  workspaceId: string,
  filter: WorklistFilter,
  /** Whose "mine" (a Slack user id). */
  viewer: string,
): Promise<Message> {
  const now = deps.clock();
  const page = await deps.worklist.page(workspaceId, scopeOfFilter(filter), {
    now,
    page: 1,
    pageSize: COMMAND_LIST_LIMIT,
    viewer,
  });
  const facts = await listRowFacts(deps, workspaceId, page.items);
  return reauthListMessage({ subject: { filter }, items: page.items, total: page.total, ...facts, now });
}

/** `/reauth`, `/reauth help` or anything not understood: the usage, with each filter's count. */
async function usage(
  deps: ListenerDeps,
  workspaceId: string,
  request: Extract<ReauthCommand, { kind: 'help' | 'unknown' }>,
): Promise<Message> {
  const counts = await deps.worklist.counts(workspaceId, deps.clock());
  return reauthUsageMessage(
    request.kind === 'unknown' ? { counts, notUnderstood: request.text } : { counts },
  );
}
