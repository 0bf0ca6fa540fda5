import type {
  App,
  BlockAction,
  BlockButtonAction,
  PlainTextInputAction,
  ViewSubmitAction,
} from '@slack/bolt';
import { accessGuard } from '../access/access-guard';
import { ActionId, actionIdPattern, CallbackId, Command } from '../ids';
import { askReauth } from './actions/ask-reauth';
import { bulkAsk } from './actions/bulk-ask';
import type { BulkListenerDeps } from './actions/bulk-deps';
import { bulkSelect, type CheckboxArgs } from './actions/bulk-select';
import { bulkSelectAll } from './actions/bulk-select-all';
import { editRequest } from './actions/edit-request';
import { historyPage } from './actions/history-page';
import { homeClearSearch } from './actions/home-clear-search';
import { homePage } from './actions/home-page';
import { homeSearch } from './actions/home-search';
import { homeTab } from './actions/home-tab';
import { openHistory } from './actions/open-history';
import { openSettings } from './actions/open-settings';
import { previewReminder } from './actions/preview-reminder';
import { retrySend, sendAgain } from './actions/retry-send';
import { stopReminders } from './actions/stop-reminders';
import { type TriageArgs, triageAction } from './actions/triage-action';
import { reauthCommand } from './commands/reauth';
import { appHomeOpened } from './events/app-home-opened';
import { appUninstalled } from './events/app-uninstalled';
import { tokensRevoked } from './events/tokens-revoked';
import type { ListenerDeps } from './types';
import { bulkConfirmSubmitted } from './views/bulk-confirm-submitted';
import { reauthFormSubmitted } from './views/reauth-form-submitted';
import { reauthPreviewSubmitted } from './views/reauth-preview-submitted';
import { settingsSubmitted } from './views/settings-submitted';

export type { ListenerDeps } from './types';

/** Every listener: the Ask flow (DESIGN.md, Flow 4), `/reauth` and the App Home. */
export function registerListeners(app: App, deps: ListenerDeps | BulkListenerDeps): void {
  // First, and global: no listener below runs for someone who may not act (DESIGN.md, "Who may act").
  app.use(accessGuard(deps));

  // The notice's button and the per-row copies in lists and the Home (`ask_reauth.<row>`) alike.
  app.action<BlockButtonAction>(actionIdPattern(ActionId.askReauth), askReauth(deps));
  app.action<BlockButtonAction>(ActionId.editRequest, editRequest(deps));
  app.action<BlockButtonAction>(ActionId.retrySend, retrySend(deps));
  app.action<BlockButtonAction>(ActionId.sendAgain, sendAgain(deps));
  // On the notice, its thread and each Home row (`stop_reminders.<row>`).
  app.action<BlockButtonAction>(actionIdPattern(ActionId.stopReminders), stopReminders(deps));
  app.action<BlockButtonAction>(actionIdPattern(ActionId.previewReminder), previewReminder(deps));
  app.view<ViewSubmitAction>(CallbackId.reauthForm, reauthFormSubmitted(deps));
  app.view<ViewSubmitAction>(CallbackId.reauthPreview, reauthPreviewSubmitted(deps));

  app.command(Command.reauth, reauthCommand(deps));

  app.event('app_home_opened', appHomeOpened(deps));
  app.event('app_uninstalled', appUninstalled(deps));
  app.event('tokens_revoked', tokensRevoked(deps));
  // One tab button per tab (`home_tab.<tab>`).
  app.action<BlockButtonAction>(actionIdPattern(ActionId.homeTab), homeTab(deps));
  const page = homePage(deps);
  app.action<BlockButtonAction>(ActionId.homePrevious, page);
  app.action<BlockButtonAction>(ActionId.homeNext, page);
  app.action<BlockAction<PlainTextInputAction>>(ActionId.homeSearch, homeSearch(deps));
  app.action<BlockButtonAction>(ActionId.homeClearSearch, homeClearSearch(deps));
  // Admins only, checked again in each: the Home shows the button to admins alone.
  app.action<BlockButtonAction>(ActionId.openSettings, openSettings(deps));
  app.view<ViewSubmitAction>(CallbackId.workspaceSettings, settingsSubmitted(deps));
  // Triage and History (issue 13): on the notice (`triage.assign`), on Home and `/reauth` rows
  // (`triage.<row>-assign`); one listener for the buttons and the Snooze/Dismiss menus.
  const triage = triageAction(deps);
  app.action<TriageArgs['body']>(actionIdPattern(ActionId.triage), triage);
  app.action<TriageArgs['body']>(actionIdPattern(ActionId.triageSnooze), triage);
  app.action<TriageArgs['body']>(actionIdPattern(ActionId.triageDismiss), triage);
  app.action<BlockButtonAction>(actionIdPattern(ActionId.openHistory), openHistory(deps));
  const historyPaging = historyPage(deps);
  app.action<BlockButtonAction>(ActionId.historyPrevious, historyPaging);
  app.action<BlockButtonAction>(ActionId.historyNext, historyPaging);
  // The bulk ask (issue 13): a Home row's checkbox (`bulk_select.<id>`), select all, clear, ask, Send.
  if ('bulk' in deps) {
    app.action<CheckboxArgs['body']>(actionIdPattern(ActionId.bulkSelect), bulkSelect(deps));
    const selectAll = bulkSelectAll(deps);
    app.action<BlockButtonAction>(ActionId.bulkSelectAll, selectAll);
    app.action<BlockButtonAction>(ActionId.bulkClearSelection, selectAll);
    app.action<BlockButtonAction>(ActionId.bulkAsk, bulkAsk(deps));
    app.view<ViewSubmitAction>(CallbackId.bulkConfirm, bulkConfirmSubmitted(deps));
  }
}
