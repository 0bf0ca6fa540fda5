import type { HomeView, KnownBlock, ModalView } from '@slack/types';
import { MEMBERSHIP_REFUSALS, type Refusal, type RefusalReason, type WhoCanHelp } from '../src/domain/access';
import { ActionId, CallbackId } from '../src/slack/ids';

/*
 * What someone who may not act here sees instead of what they tried (DESIGN.md, "Who may act"): why,
 * and who can do it for them. Nothing here names a customer: a refusal is shown before any customer
 * is read.
 */

// Ids come from the workspace's settings; only a well-formed id becomes a mention, anything else is
// named in words, so a setting can never smuggle markup into the message.
const channelMention = (id: string): string =>
  /^[CG][A-Z0-9]{2,}$/.test(id) ? `<#${id}>` : 'the alert channel';
const usergroupMention = (id: string): string =>
  /^S[A-Z0-9]{2,}$/.test(id) ? `<!subteam^${id}>` : 'the user group chosen in relink’s settings';

const ASK = 'ask customers to reauthorize';

function why(reason: RefusalReason, help: WhoCanHelp): string {
  switch (reason) {
    case 'guest':
      return `Only full members of this workspace can ${ASK}. Guests can’t see customers’ details or send update requests.`;
    case 'stranger':
      return `Only members of this workspace can ${ASK}. People from other organizations in a shared channel can’t see its customers’ details or send update requests.`;
    case 'deactivated':
    case 'bot':
    case 'unknown_person':
      return `relink couldn’t confirm you’re a member of this workspace, so it can’t show customers’ details or send update requests for you.`;
    case 'not_channel_member':
      return `Only members of ${help.kind === 'channel_members' ? channelMention(help.channelId) : 'the alert channel'} can ${ASK}.`;
    case 'not_usergroup_member':
      return `Only members of ${help.kind === 'usergroup_members' ? usergroupMention(help.usergroupId) : 'the user group chosen in relink’s settings'} can ${ASK}.`;
    case 'no_alert_channel':
      return `Only members of the alert channel can ${ASK}, and no alert channel is chosen yet.`;
    case 'check_failed':
      return `relink couldn’t check who may ${ASK} just now, so it didn’t go ahead. Try again in a minute.`;
  }
}

function whoToAsk(help: WhoCanHelp): string {
  switch (help.kind) {
    case 'full_members':
      return 'Ask a full member of this workspace to send the update request.';
    case 'channel_members':
      return `Ask a member of ${channelMention(help.channelId)} to send the update request.`;
    case 'usergroup_members':
      return `Ask a member of ${usergroupMention(help.usergroupId)} to send the update request.`;
    case 'admins':
      return 'Ask a workspace admin to choose an alert channel in relink’s settings.';
  }
}

/** The refusal in one line of plain words, e.g. for a notification's fallback text. */
export const refusalWords = (refusal: Refusal): string =>
  `${why(refusal.reason, refusal.whoCanHelp)} ${whoToAsk(refusal.whoCanHelp)}`;

const refusalBlocks = (refusal: Refusal): KnownBlock[] => [
  { type: 'section', text: { type: 'mrkdwn', text: `:lock: ${why(refusal.reason, refusal.whoCanHelp)}` } },
  { type: 'context', elements: [{ type: 'mrkdwn', text: whoToAsk(refusal.whoCanHelp) }] },
];

/** For a button click (in a channel or the Home) and a modal's submit. */
export function accessRefusedView(refusal: Refusal): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackId.accessRefused,
    title: { type: 'plain_text', text: 'Not available to you' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: refusalBlocks(refusal),
  };
}

/** For `/reauth`: an ephemeral answer only the person who typed it sees. */
export function accessRefusedMessage(refusal: Refusal): { text: string; blocks: KnownBlock[] } {
  return { text: refusalWords(refusal), blocks: refusalBlocks(refusal) };
}

/**
 * relink's App Home for someone who may not act: never the worklist. Refused by the membership setting,
 * it still offers Settings, which admit admins alone: an admin outside the chosen channel or group must
 * be able to change it.
 */
export function accessRefusedHome(refusal: Refusal): HomeView {
  const settings: KnownBlock[] = MEMBERSHIP_REFUSALS.includes(refusal.reason)
    ? [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: ActionId.openSettings,
              text: { type: 'plain_text', text: 'Settings (admins)' },
              value: 'open',
            },
          ],
        },
      ]
    : [];
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Reauthorization worklist' } },
      ...refusalBlocks(refusal),
      ...settings,
    ],
  };
}
