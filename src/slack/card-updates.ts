import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from '../../blocks/slack-message';
import type { Logger } from '../logger';

interface Shown {
  channel: string;
  ts: string;
}

interface Waiting {
  client: WebClient;
  notice: Shown;
  message: SlackMessage;
}

/**
 * One chat.update per notice for a run of effects on it (DESIGN.md, lanes: "many pending effects on one
 * message become one update with the latest state"). Every card is built from the authorization as it
 * is now, so an update a later entry of the same notice will make anyway can wait for it. Made per
 * authorization's run of entries in a pass, and flushed when that run ends, whatever ended it.
 */
export function createCardUpdates(log: Logger) {
  let waiting: Waiting | null = null;
  const update = ({ client, notice, message }: Waiting) =>
    client.chat.update({
      channel: notice.channel,
      ts: notice.ts,
      text: message.text,
      blocks: message.blocks,
    });

  return {
    /**
     * Shows `message` on `notice` now, or, with `later`, when the next call or {@link flush} comes: a
     * following entry's update of the same notice replaces it.
     */
    async show(client: WebClient, notice: Shown, message: SlackMessage, later: boolean): Promise<void> {
      if (waiting && waiting.notice.ts !== notice.ts) await this.flush();
      const next = { client, notice, message };
      waiting = later ? next : null;
      if (!later) await update(next);
    },
    /**
     * Makes the update still waiting. It waited for an entry that is still pending (its run ended on
     * it), so a failure here leaves the card a step behind until that entry is published, never for good.
     */
    async flush(): Promise<void> {
      const last = waiting;
      waiting = null;
      if (!last) return;
      await update(last).catch((err: unknown) =>
        log.warn({ err, channel: last.notice.channel }, 'notice card not updated; its next change will'),
      );
    },
  };
}

export type CardUpdates = ReturnType<typeof createCardUpdates>;
