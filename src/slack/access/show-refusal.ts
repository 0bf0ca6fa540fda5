import type { WebClient } from '@slack/web-api';
import { accessRefusedHome, accessRefusedMessage, accessRefusedView } from '../../../blocks/access-refused';
import type { Refusal } from '../../domain/access';
import type { Interaction } from './interaction';

/** Bolt's ack for the interaction at hand; absent for events, which Bolt has acknowledged already. */
export type Ack = (response?: unknown) => Promise<void>;

/**
 * Answers a refused interaction in the place it came from, instead of what was asked for:
 * - a click (in a channel, a `/reauth` list, the Home or a modal): a modal opened with its trigger_id,
 *   pushed onto the modal when the click came from one;
 * - a modal's submit: the modal becomes the refusal (`response_action: 'update'`);
 * - `/reauth`: an ephemeral answer in the command's own response;
 * - opening the App Home: a Home that says why, never the worklist.
 */
export async function showRefusal(
  answer: { ack: Ack | undefined; client: WebClient },
  interaction: Interaction,
  refusal: Refusal,
): Promise<void> {
  const { ack, client } = answer;
  switch (interaction.kind) {
    case 'block_actions': {
      await ack?.();
      const triggerId = interaction.triggerId;
      if (!triggerId) return;
      const view = accessRefusedView(refusal);
      if (interaction.inModal) await client.views.push({ trigger_id: triggerId, view });
      else await client.views.open({ trigger_id: triggerId, view });
      return;
    }
    case 'view_submission':
      await ack?.({ response_action: 'update', view: accessRefusedView(refusal) });
      return;
    case 'slash_command':
      await ack?.({ response_type: 'ephemeral', ...accessRefusedMessage(refusal) });
      return;
    case 'app_home_opened':
      await client.views.publish({ user_id: interaction.userId, view: accessRefusedHome(refusal) });
      return;
  }
}
