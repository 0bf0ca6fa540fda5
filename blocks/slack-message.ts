import type { KnownBlock } from '@slack/types';

/** A message as chat.postMessage and chat.update take it: `text` is the fallback notifications show. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}
