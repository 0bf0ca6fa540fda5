import type { InputBlock, KnownBlock, ModalView, PlainTextElement } from '@slack/types';
import { customerMustAct } from '../src/domain/authorization';
import { isValidEmail } from '../src/domain/email-address';
import { describeProblem, formatDay, timeAgo } from '../src/domain/problem-words';
import { NAME_MAX_CHARS, NOTE_MAX_CHARS, UTILITY_MAX_CHARS } from '../src/domain/reauth-draft';
import { isSameAddress, type SuppressionReason } from '../src/domain/suppression';
import type { PreparedForm } from '../src/reauth/prepared-form';
import { ActionId, BlockId, CallbackId, SEND_ANYWAY_OPTION } from '../src/slack/ids';
import { reauthFormMeta } from '../src/slack/metadata';
import { NO_VALID_EMAIL_WORDS } from './customer-email';
import { suppressionWords } from './delivery-words';
import { clip, escapeMrkdwn, mention } from './text';

export const REAUTH_TITLE = 'Reauthorization';
/** The platform help page's own words for the form's submit button. */
export const SEND_UPDATE_REQUEST_LABEL = 'Send Update Request';

/** The prepared form, plus what the user had typed when it is shown again (Edit, a cooldown). */
export interface ReauthForm extends PreparedForm {
  note?: string | null;
  /** Prefills the "Send anyway" checkbox, e.g. when coming back from the preview with Edit. */
  sendAnyway?: boolean;
}

/** The prefilled form behind "Ask the utility customer to reauthorize" and `/reauth`. */
export function reauthFormView(form: ReauthForm, now: Date): ModalView {
  const icon = customerMustAct(form.problem.state) ? ':warning:' : ':information_source:';
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${icon} *${escapeMrkdwn(describeProblem(form.problem, now))}*\nSince ${timeAgo(form.since, now)} (${formatDay(form.since)})`,
      },
    },
    context(
      "Confirm the customer's name, email address and utility. You'll see the email before it is sent.",
    ),
    textInput(
      BlockId.customerName,
      ActionId.customerName,
      'Customer name',
      form.customerName,
      NAME_MAX_CHARS,
    ),
    emailInput(form.customerEmail, form.bounced),
    textInput(BlockId.utility, ActionId.utility, 'Utility', form.utility, UTILITY_MAX_CHARS),
    {
      ...textInput(BlockId.note, ActionId.note, 'Personal note', form.note ?? null, NOTE_MAX_CHARS, true),
      optional: true,
      hint: plain('Added to the email, signed with your company name.'),
    },
  ];
  if (form.cooldown) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:information_source: Last request sent ${timeAgo(form.cooldown.lastSentAt, now)} by ${mention(form.cooldown.lastSentBy)}.`,
      },
    });
  }
  if (form.suppression) {
    blocks.push({
      type: 'section',
      block_id: BlockId.suppressionNotice,
      text: { type: 'mrkdwn', text: suppressionWords(form.suppression, now) },
    });
  }
  if (form.cooldown || form.suppression) {
    // One box for both: ticking it is the explicit, audited choice to send despite what is shown above.
    blocks.push(sendAnywayInput(form.sendAnyway === true, form.suppression?.reason ?? null));
  }
  return {
    type: 'modal',
    callback_id: CallbackId.reauthForm,
    title: plain(REAUTH_TITLE),
    submit: plain(SEND_UPDATE_REQUEST_LABEL),
    close: plain('Cancel'),
    private_metadata: reauthFormMeta.encode({
      v: 1,
      authorizationId: form.authorizationId,
      problem: { state: form.problem.state, reason: form.problem.reason },
    }),
    blocks,
  };
}

/** The field error on "Send anyway" when a request inside the cooldown was submitted without it. */
export const sendAnywayNeededWords = (lastSentAt: Date, now: Date): string =>
  `Last request sent ${timeAgo(lastSentAt, now)}: tick Send anyway to send another`;

/** Opened at once when the lookup behind the form may be slow (trigger_id dies in 3 s), then updated. */
export function reauthLoadingView(): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackId.reauthLoading,
    title: plain(REAUTH_TITLE),
    close: plain('Cancel'),
    blocks: [context(':hourglass_flowing_sand: Loading…')],
  };
}

/** Shown instead of the form when no request can be sent; `reason` is plain words with a next step. */
export function reauthUnavailableView(reason: string): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackId.reauthUnavailable,
    title: plain(REAUTH_TITLE),
    close: plain('Close'),
    blocks: [{ type: 'section', text: plain(clip(reason, 3000)) }],
  };
}

function textInput(
  blockId: string,
  actionId: string,
  label: string,
  initial: string | null,
  maxLength: number,
  multiline = false,
): InputBlock {
  const value = clip(initial?.trim() ?? '', maxLength);
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    element: {
      type: 'plain_text_input',
      action_id: actionId,
      max_length: maxLength,
      ...(multiline ? { multiline: true } : {}),
      // Slack rejects an initial_value longer than max_length, so stored data is clipped to fit.
      ...(value ? { initial_value: value } : {}),
    },
  };
}

/** Prefilled only with an address relink could send to; otherwise empty, saying why. */
function emailInput(stored: string | null, bounced: PreparedForm['bounced'] = null): InputBlock {
  const email = stored?.trim() ?? '';
  const valid = isValidEmail(email);
  // Flagged while it is still the address that bounced; a corrected address needs no warning.
  if (valid && bounced && isSameAddress(bounced.sentTo, email)) {
    return {
      type: 'input',
      block_id: BlockId.customerEmail,
      label: plain('Email address: the last email bounced'),
      element: { type: 'email_text_input', action_id: ActionId.customerEmail, initial_value: email },
      hint: plain(clip(bouncedHint(bounced.reason), 2000)),
    };
  }
  return {
    type: 'input',
    block_id: BlockId.customerEmail,
    label: plain('Email address'),
    element: {
      type: 'email_text_input',
      action_id: ActionId.customerEmail,
      ...(valid ? { initial_value: email } : {}),
      placeholder: plain('jane@example.com'),
    },
    ...(valid ? {} : { hint: plain(NO_VALID_EMAIL_HINT) }),
  };
}

/** The email field's hint when there is no address to prefill. */
export const NO_VALID_EMAIL_HINT = `${NO_VALID_EMAIL_WORDS}: enter the address the customer should get the request at.`;

/** The email field's hint when the last email to the address bounced. */
export const bouncedHint = (reason: string | null): string =>
  `${BOUNCED_WORDS}${reason ? ` (${reason})` : ''}. Fix the address, or enter another one, then send again.`;
export const BOUNCED_WORDS = 'The last email to this address bounced';

/** The box's words when the customer asked not to be emailed: sending is a knowing choice. */
export const SEND_ANYWAY_SUPPRESSED: Record<SuppressionReason, string> = {
  spamreport: 'Send anyway: this customer marked our email as spam',
  unsubscribe: 'Send anyway: this customer unsubscribed from our email',
};

/** The field error on "Send anyway" when a suppressed address was submitted without it. */
export const sendToSuppressedNeededWords = (reason: SuppressionReason): string =>
  `${reason === 'spamreport' ? 'This customer marked our email as spam' : 'This customer unsubscribed'}: tick Send anyway to send, or enter another address`;

function sendAnywayInput(checked: boolean, suppressed: SuppressionReason | null): InputBlock {
  const words = suppressed ? SEND_ANYWAY_SUPPRESSED[suppressed] : 'Send anyway';
  const option = { text: plain(words), value: SEND_ANYWAY_OPTION };
  return {
    type: 'input',
    block_id: BlockId.sendAnyway,
    label: plain(suppressed ? 'Send to this address?' : 'Send another request?'),
    // Unticked is a valid answer: relink itself explains that sending inside the cooldown needs the tick.
    optional: true,
    element: {
      type: 'checkboxes',
      action_id: ActionId.sendAnyway,
      options: [option],
      ...(checked ? { initial_options: [option] } : {}),
    },
  };
}

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
