import { type EmailEligibility, emailEligibility, isSameAddress } from '../domain/suppression';
import type { RequestStore } from '../store/requests';
import type { SuppressionStore } from '../store/suppressions';

/** Who is sending: a person in Slack (who may override a suppression), or relink on its own. */
export type EmailSender = 'automatic' | 'person';

/** The latest request's bounce: where it went and SendGrid's reason (addresses masked). */
export interface LastBounce {
  sentTo: string;
  reason: string | null;
}

/**
 * The facts behind "may relink email this address?" (src/domain/suppression.ts), read for every way
 * relink sends. Two reads: the suppression by `_id`, and the authorization's latest request.
 */
export function createEmailEligibility(deps: {
  requests: Pick<RequestStore, 'latestFor'>;
  suppressions: Pick<SuppressionStore, 'find'>;
}) {
  /** The latest request's bounce, if it bounced: the form flags the address and the notice says so. */
  async function lastBounce(authorizationId: string): Promise<LastBounce | null> {
    const latest = await deps.requests.latestFor(authorizationId);
    if (latest?.status !== 'bounced') return null;
    return { sentTo: latest.recipient.email, reason: latest.lastError?.message || null };
  }

  async function check(input: {
    workspaceId: string;
    authorizationId: string;
    email: string;
    sender: EmailSender;
    /** "Send anyway", ticked by a person on a form that showed the suppression; ignored for automatic sends. */
    override?: boolean;
  }): Promise<EmailEligibility> {
    const suppression = await deps.suppressions.find(input.workspaceId, input.email);
    const bounced = await lastBounce(input.authorizationId);
    return emailEligibility({
      suppression,
      lastEmailBounced: bounced !== null && isSameAddress(bounced.sentTo, input.email),
      sender: input.sender,
      override: input.override === true,
    });
  }

  /**
   * For relink's own sends to an open request's recipient (reminders, bulk asks): true when the
   * address must not get an automatic email. A bounced request is final, so only suppressions count.
   */
  async function refusesAutomaticEmail(workspaceId: string, email: string): Promise<boolean> {
    const suppression = await deps.suppressions.find(workspaceId, email);
    return !emailEligibility({ suppression, lastEmailBounced: false, sender: 'automatic', override: false })
      .allowed;
  }

  return { check, lastBounce, refusesAutomaticEmail };
}
