import type { ModalView } from '@slack/types';
import { STEP_FAILURE_WORDS } from '../../../../blocks/failure-words';
import { reauthUnavailableView } from '../../../../blocks/reauth-form-view';
import { ActionId } from '../../ids';
import { reauthPreviewMeta } from '../../metadata';
import { explainFailure } from '../explain-failure';
import { refilledForm } from '../refilled-form';
import type { ButtonArgs, ListenerDeps } from '../types';

/** Edit in the email preview: back to the reauth form with everything the user typed kept. */
export const editRequest = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.editRequest });
  return async ({ ack, body, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    const preview = body.view;
    if (!preview) {
      // Edit only exists inside the preview modal, so Slack always sends the view along.
      log.warn('edit clicked outside a modal');
      return;
    }
    const now = deps.clock();
    let view: ModalView;
    try {
      const meta = reauthPreviewMeta.decode(preview.private_metadata);
      // Read again rather than carried along: the problem or the cooldown may have changed since.
      const form = await deps.reauth.prepareForm(deps.workspaceOf(context), meta.authorizationId);
      view = refilledForm(form, meta.draft, now);
    } catch (err) {
      const { words } = explainFailure(err, {
        log,
        msg: 'reauth form not reopened',
        words: STEP_FAILURE_WORDS.editPreview,
      });
      view = reauthUnavailableView(words);
    }
    // The hash makes Slack refuse the update if the modal changed meanwhile (e.g. a double click).
    await client.views.update({ view_id: preview.id, hash: preview.hash, view });
  };
};
