import type {
  AllMiddlewareArgs,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { Logger } from '../../logger';
import type { ReauthService } from '../../reauth/reauth-service';

/** What the Slack listeners need; built once in `src/main.ts`. */
export interface ListenerDeps {
  reauth: ReauthService;
  /** SENDGRID_FROM_NAME and SENDGRID_FROM_EMAIL, shown in the email preview's From line. */
  sender: { name: string; email: string };
  clock: () => Date;
  log: Logger;
}

/** What Bolt hands a listener for a button click (in a message or a modal). */
export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** What Bolt hands a listener for a modal's submit button. */
export type ViewSubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
