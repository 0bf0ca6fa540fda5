import type { RelinkErrorCode } from '../src/domain/errors';

/** Everyday outcomes of a reauth step, not failures: the user is told, nothing is logged. */
export const OUTCOME_WORDS: Partial<Record<RelinkErrorCode, string>> = {
  authorization_not_found: 'relink no longer has this authorization, so there is no customer to ask.',
  nothing_to_fix: "This customer doesn't need to reauthorize right now: the authorization is working again.",
  cooldown_active:
    'A request was sent to this customer while you were previewing, so this one was not sent. ' +
    'To send another anyway, click the button on the notice again and tick Send anyway.',
  email_suppressed:
    'This customer marked our email as spam or unsubscribed, so relink did not send it. ' +
    'To send anyway, click the button on the notice again and tick Send anyway.',
  request_not_found: "relink can't find this request any more, so there is nothing to retry.",
  request_not_failed: 'This request is no longer failed; nothing to retry.',
  request_replaced:
    'A newer request for this customer replaced this one. To ask again, use the button on the notice.',
};

/** What a step says when it fails for a reason that is not an everyday outcome. */
export interface FailureWords {
  /** For a payload relink did not write (`metadata_invalid`: a tampered or very old button or modal). */
  invalid: string;
  /** For anything else: a next step, usually "try again". Never the error itself. */
  unexpected: string;
}

/** Each Slack step's failure words, named for the step. */
export const STEP_FAILURE_WORDS = {
  openForm: {
    invalid:
      "This button can't open the form any more. Use the button on the newest notice for this customer.",
    unexpected: "relink couldn't load this customer just now. Try the button again in a minute.",
  },
  editPreview: {
    invalid: "This preview can't be edited any more. Close it and start again from the notice.",
    unexpected: "relink couldn't reopen the form just now. Close this and try again in a minute.",
  },
  checkForm: {
    invalid: "This form can't be used any more. Close it and start again from the notice.",
    unexpected: "relink couldn't check this request just now. Close this and try again in a minute.",
  },
  sendPreview: {
    invalid: "This preview can't be sent any more. Close it and start again from the notice.",
    unexpected:
      'Something went wrong, so the request may not have been recorded. ' +
      'Close this to go back to the preview, then press Send again in a minute.',
  },
  retrySend: {
    invalid: "This Retry button doesn't work any more. Ask the customer again from the notice.",
    unexpected: "relink couldn't retry just now. Try again in a minute.",
  },
  sendAgain: {
    invalid: "This Send again button doesn't work any more. Ask the customer again from the notice.",
    unexpected: "relink couldn't send the email again just now. Try again in a minute.",
  },
  searchCustomer: {
    invalid: "relink couldn't read that search. Try an email, a name or an authorization id.",
    unexpected: "relink couldn't search just now. Try again in a minute.",
  },
  answerCommand: {
    invalid: "relink couldn't read that. Try again.",
    unexpected: "relink couldn't look that up just now. Try again in a minute.",
  },
} as const satisfies Record<string, FailureWords>;

/** The Retry button's answer when the request is queued again. */
export const RETRYING_WORDS = "Sending the request again. The notice will show when it's sent.";

/** Send again's answer when the unconfirmed email is queued again. */
export const SENDING_AGAIN_WORDS = "Sending the email again. The notice will show when it's sent.";
