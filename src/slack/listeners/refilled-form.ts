import type { ModalView } from '@slack/types';
import { reauthFormView } from '../../../blocks/reauth-form-view';
import type { ReauthDraft } from '../../domain/reauth-draft';
import { isSameAddress } from '../../domain/suppression';
import type { PreparedForm } from '../../reauth/prepared-form';

/**
 * The reauth form again with what the user had typed: the problem and cooldown come fresh from
 * `prepareForm`, so a form reopened minutes later shows what is true now. A suppression is about one
 * address (`form.customerEmail`'s): it is shown only while the draft still has that address.
 */
export function refilledForm(form: PreparedForm, draft: ReauthDraft, now: Date): ModalView {
  const sameAddress = form.customerEmail !== null && isSameAddress(form.customerEmail, draft.customerEmail);
  return reauthFormView(
    {
      ...form,
      customerName: draft.customerName,
      customerEmail: draft.customerEmail,
      utility: draft.utility,
      note: draft.note,
      sendAnyway: draft.sendAnyway,
      suppression: sameAddress ? (form.suppression ?? null) : null,
    },
    now,
  );
}
