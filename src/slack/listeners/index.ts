import type {
  App,
  BlockAction,
  BlockButtonAction,
  PlainTextInputAction,
  ViewSubmitAction,
} from '@slack/bolt';
import { accessGuard } from '../access/access-guard';
import { ActionId, CallbackId, Command } from '../ids';
import { createActionRouter } from './action-router';
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

/** Also answers the per-row ids `<base>.<key>`: the Home's `ask_reauth.3` as the notice's `ask_reauth`. */
const KEYED = { keyed: true };

/** Every listener: the Ask flow (DESIGN.md, Flow 4), `/reauth` and the App Home. */
export function registerListeners(app: App, deps: ListenerDeps | BulkListenerDeps): void {
  // First, and global: no listener below runs for someone who may not act (DESIGN.md, "Who may act").
  app.use(accessGuard(deps));
  // Every block action below, through one Bolt listener (action-router.ts).
  const actions = createActionRouter();

  // The notice's button and the per-row copies in lists and the Home (`ask_reauth.<row>`) alike.
  actions.on<BlockButtonAction>(ActionId.askReauth, askReauth(deps), KEYED);
  actions.on<BlockButtonAction>(ActionId.editRequest, editRequest(deps));
  actions.on<BlockButtonAction>(ActionId.retrySend, retrySend(deps));
  actions.on<BlockButtonAction>(ActionId.sendAgain, sendAgain(deps));
  // On the notice, its thread and each Home row (`stop_reminders.<row>`).
  actions.on<BlockButtonAction>(ActionId.stopReminders, stopReminders(deps), KEYED);
  actions.on<BlockButtonAction>(ActionId.previewReminder, previewReminder(deps), KEYED);
  app.view<ViewSubmitAction>(CallbackId.reauthForm, reauthFormSubmitted(deps));
  app.view<ViewSubmitAction>(CallbackId.reauthPreview, reauthPreviewSubmitted(deps));

  app.command(Command.reauth, reauthCommand(deps));

  app.event('app_home_opened', appHomeOpened(deps));
  app.event('app_uninstalled', appUninstalled(deps));
  app.event('tokens_revoked', tokensRevoked(deps));
  // One tab button per tab (`home_tab.<tab>`).
  actions.on<BlockButtonAction>(ActionId.homeTab, homeTab(deps), KEYED);
  const page = homePage(deps);
  actions.on<BlockButtonAction>(ActionId.homePrevious, page);
  actions.on<BlockButtonAction>(ActionId.homeNext, page);
  actions.on<BlockAction<PlainTextInputAction>>(ActionId.homeSearch, homeSearch(deps));
  actions.on<BlockButtonAction>(ActionId.homeClearSearch, homeClearSearch(deps));
  // Admins only, checked again in each: the Home shows the button to admins alone.
  actions.on<BlockButtonAction>(ActionId.openSettings, openSettings(deps));
  app.view<ViewSubmitAction>(CallbackId.workspaceSettings, settingsSubmitted(deps));
  // Triage and History (issue 13): on the notice (`triage.assign`), on Home and `/reauth` rows
  // (`triage.<row>-assign`); one listener for the buttons and the Snooze/Dismiss menus.
  const triage = triageAction(deps);
  actions.on<TriageArgs['body']>(ActionId.triage, triage, KEYED);
  actions.on<TriageArgs['body']>(ActionId.triageSnooze, triage, KEYED);
  actions.on<TriageArgs['body']>(ActionId.triageDismiss, triage, KEYED);
  actions.on<BlockButtonAction>(ActionId.openHistory, openHistory(deps), KEYED);
  const historyPaging = historyPage(deps);
  actions.on<BlockButtonAction>(ActionId.historyPrevious, historyPaging);
  actions.on<BlockButtonAction>(ActionId.historyNext, historyPaging);
  // The bulk ask (issue 13): a Home row's checkbox (`bulk_select.<id>`), select all, clear, ask, Send.
  if ('bulk' in deps) {
    actions.on<CheckboxArgs['body']>(ActionId.bulkSelect, bulkSelect(deps), KEYED);
    const selectAll = bulkSelectAll(deps);
    actions.on<BlockButtonAction>(ActionId.bulkSelectAll, selectAll);
    actions.on<BlockButtonAction>(ActionId.bulkClearSelection, selectAll);
    actions.on<BlockButtonAction>(ActionId.bulkAsk, bulkAsk(deps));
    app.view<ViewSubmitAction>(CallbackId.bulkConfirm, bulkConfirmSubmitted(deps));
  }
  actions.register(app);
}
