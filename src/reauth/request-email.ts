import { renderReauthEmail } from '../email/reauth-email';
import type { ReauthRequestDocument } from '../store/requests';

/**
 * The email a request sends, the first one or a reminder, and the fields a SendGrid template gets
 * beside it: both senders build it here so a reminder always says what the first email said.
 */
export function requestEmail(
  request: ReauthRequestDocument,
  reauthUrl: string,
  senderName: string,
  reminder: { number: number } | null = null,
) {
  const templateData = {
    customerName: request.recipient.name,
    utility: request.utility,
    note: request.note,
    reauthUrl,
    senderName,
  };
  const rendered = renderReauthEmail({ ...templateData, reason: request.problem, reminder });
  return { rendered, templateData };
}
