import type { App, BlockButtonAction, ViewSubmitAction } from '@slack/bolt';
import { ActionId, actionIdPattern, CallbackId } from '../ids';
import { askReauth } from './actions/ask-reauth';
import { editRequest } from './actions/edit-request';
import { retrySend } from './actions/retry-send';
import type { ListenerDeps } from './types';
import { reauthFormSubmitted } from './views/reauth-form-submitted';
import { reauthPreviewSubmitted } from './views/reauth-preview-submitted';

export type { ListenerDeps } from './types';

/** Every button and modal listener of the Ask flow (DESIGN.md, Flow 4). */
export function registerListeners(app: App, deps: ListenerDeps): void {
  // The notice's button and the App Home's per-row copies (`ask_reauth.<row>`) alike.
  app.action<BlockButtonAction>(actionIdPattern(ActionId.askReauth), askReauth(deps));
  app.action<BlockButtonAction>(ActionId.editRequest, editRequest(deps));
  app.action<BlockButtonAction>(ActionId.retrySend, retrySend(deps));
  app.view<ViewSubmitAction>(CallbackId.reauthForm, reauthFormSubmitted(deps));
  app.view<ViewSubmitAction>(CallbackId.reauthPreview, reauthPreviewSubmitted(deps));
}
