import type { ModalView } from '@slack/types';
import { reauthFormView } from '../../../blocks/reauth-form-view';
import type { ReauthService } from '../../reauth/reauth-service';
import type { ReauthDraft } from '../metadata';

export type PreparedForm = Awaited<ReturnType<ReauthService['prepareForm']>>;

/**
 * The reauth form again with what the user had typed: the problem and cooldown come fresh from
 * `prepareForm`, so a form reopened minutes later shows what is true now.
 */
export function refilledForm(
  form: PreparedForm,
  draft: ReauthDraft,
  notice: { channel?: string | undefined; noticeTs?: string | undefined },
  now: Date,
): ModalView {
  return reauthFormView(
    {
      ...form,
      customerName: draft.customerName,
      customerEmail: draft.customerEmail,
      utility: draft.utility,
      note: draft.note,
      sendAnyway: draft.sendAnyway,
      channel: notice.channel,
      noticeTs: notice.noticeTs,
    },
    now,
  );
}
