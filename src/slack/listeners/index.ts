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
import { editRequest } from './actions/edit-request';
import { homeClearSearch } from './actions/home-clear-search';
import { homePage } from './actions/home-page';
import { homeSearch } from './actions/home-search';
import { homeTab } from './actions/home-tab';
import { openSettings } from './actions/open-settings';
import { retrySend, sendAgain } from './actions/retry-send';
import { reauthCommand } from './commands/reauth';
import { appHomeOpened } from './events/app-home-opened';
import { appUninstalled } from './events/app-uninstalled';
import { tokensRevoked } from './events/tokens-revoked';
import type { ListenerDeps } from './types';
import { reauthFormSubmitted } from './views/reauth-form-submitted';
import { reauthPreviewSubmitted } from './views/reauth-preview-submitted';
import { settingsSubmitted } from './views/settings-submitted';

export type { ListenerDeps } from './types';

/** Every listener: the Ask flow (DESIGN.md, Flow 4), `/reauth` and the App Home. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  // First, and global: no listener below runs for someone who may not act (DESIGN.md, "Who may act").
  app.use(accessGuard(deps));

  // The notice's button and the per-row copies in lists and the Home (`ask_reauth.<row>`) alike.
  app.action<BlockButtonAction>(actionIdPattern(ActionId.askReauth), askReauth(deps));
  app.action<BlockButtonAction>(ActionId.editRequest, editRequest(deps));
  app.action<BlockButtonAction>(ActionId.retrySend, retrySend(deps));
  app.action<BlockButtonAction>(ActionId.sendAgain, sendAgain(deps));
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
}
