import type {
  AllMiddlewareArgs,
  BlockAction,
  BlockButtonAction,
  PlainTextInputAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { Suppression } from '../../domain/suppression';
import type { HomeService } from '../../home/home-service';
import type { Logger } from '../../logger';
import type { HistoryService } from '../../reauth/history-service';
import type { ReauthService } from '../../reauth/reauth-service';
import type { Reminders } from '../../reauth/reminders';
import type { TriageService } from '../../reauth/triage-service';
import type { WorkspaceStore } from '../../store/workspaces';
import type { Worklist } from '../../worklist/worklist';
import type { SettingsService } from '../../workspaces/settings-service';
import type { AccessDeps } from '../access/access-guard';
import type { SettingsAdmins } from '../settings-admins';
import type { WorkspaceOf } from '../workspace-of';

/** What the Slack listeners need; built once in `src/main.ts`. */
export interface ListenerDeps {
  /** The workspace each request acts in: every read and write below is of that workspace alone. */
  workspaceOf: WorkspaceOf;
  /** Who may act: checked by the access guard before any listener runs (src/slack/access). */
  access: AccessDeps;
  reauth: ReauthService;
  /** "I'm on it", Snooze, Dismiss (src/domain/triage.ts). */
  triage: TriageService;
  /** An authorization's timeline, from the audit trail. */
  history: HistoryService;
  /** Stop reminders and Preview reminder (issue 12); tests that click neither may leave it out. */
  reminders?: Pick<Reminders, 'stop' | 'preview'>;
  /** Each user's App Home. */
  home: HomeService;
  /** The filters and search behind `/reauth`. */
  worklist: Worklist;
  /** Addresses customers asked not to be emailed, among a list's rows (by `key`); lists say so. */
  suppressions?: (
    workspaceId: string,
    customers: readonly { key: string; email: string | null }[],
  ) => Promise<ReadonlyMap<string, Suppression>>;
  /** SENDGRID_FROM_NAME and SENDGRID_FROM_EMAIL, shown in the email preview's From line. */
  sender: { name: string; email: string };
  /**
   * Where app_uninstalled and tokens_revoked delete a workspace's tokens (OAuth installs). Tests that
   * send neither event may leave it out.
   */
  installations?: Pick<WorkspaceStore, 'markUninstalled'>;
  /** The App Home's Settings: what admins may change, and who counts as an admin. */
  settings: { service: SettingsService; admins: Pick<SettingsAdmins, 'isAdmin'> };
  clock: () => Date;
  log: Logger;
}

/** What Bolt hands a listener for a button click (in a message, a modal or the App Home). */
export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** What Bolt hands a listener for Enter in a text input with `dispatch_action` (the Home's search). */
export type TextInputArgs = SlackActionMiddlewareArgs<BlockAction<PlainTextInputAction>> & AllMiddlewareArgs;

/** What Bolt hands a listener for a modal's submit button. */
export type ViewSubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** What Bolt hands a slash command listener. */
export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** What Bolt hands the `app_home_opened` listener. */
export type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;
