import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { noMatchMessage, reauthListMessage } from '../../../../blocks/reauth-list-message';
import { historyUsageWords } from '../../../../blocks/triage-words';
import { COMMAND_LIST_LIMIT } from '../../../domain/worklist';
import type { Logger } from '../../../logger';
import { showHistory } from '../actions/open-history';
import type { ListenerDeps } from '../types';
import { listRowFacts } from './list-row-facts';

/** The search after `/reauth history`, '' when none was typed; null when the command is not `history`. */
export function historyQueryOf(text: string | null | undefined): string | null {
  const match = /^\s*history(?:\s+([\s\S]*))?$/i.exec(text ?? '');
  return match ? (match[1] ?? '').trim() : null;
}

/**
 * `/reauth history <email | authorization id | name>`: one match → its history modal; several → the
 * list of them (each row has History); none → what to try.
 */
export async function reauthHistory(
  deps: ListenerDeps,
  log: Logger,
  input: { workspaceId: string; query: string; triggerId: string; respond: RespondFn; client: WebClient },
): Promise<void> {
  const { workspaceId, query, respond } = input;
  if (!query) {
    await respond({ response_type: 'ephemeral', text: historyUsageWords() });
    return;
  }
  // In memory (src/worklist): milliseconds, well inside the trigger_id's 3 s.
  const { items, total } = await deps.worklist.find(workspaceId, query, COMMAND_LIST_LIMIT);
  const only = total === 1 ? items[0] : undefined;
  if (only) {
    await showHistory(
      deps,
      log,
      { client: input.client, triggerId: input.triggerId },
      workspaceId,
      only._id.toHexString(),
    );
    return;
  }
  const now = deps.clock();
  const facts = await listRowFacts(deps, workspaceId, items);
  const message =
    total === 0
      ? noMatchMessage(query)
      : reauthListMessage({ subject: { query }, items, total, ...facts, now });
  await respond({ response_type: 'ephemeral', ...message });
}
