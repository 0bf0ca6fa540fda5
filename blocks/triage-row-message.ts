import type { KnownBlock } from '@slack/types';
import type { WorklistItem, WorklistRequest } from '../src/domain/worklist';
import { worklistRowBlocks } from './home-view';
import type { SlackMessage } from './slack-message';

/**
 * What replaces a `/reauth` list after a triage click in it (an ephemeral message can only be
 * replaced whole): what happened, then the row as it is now.
 */
export function triagedRowMessage(
  words: string,
  item: WorklistItem | undefined,
  lastRequest: WorklistRequest | undefined,
  now: Date,
): SlackMessage {
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: words } }];
  if (item) blocks.push(...worklistRowBlocks(item, lastRequest, now, 0));
  return { text: words, blocks };
}
