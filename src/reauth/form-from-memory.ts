import type { ProblemFacts } from '../domain/problem-words';
import { activeCooldown } from '../domain/reauth-request';
import type { Suppression } from '../domain/suppression';
import type { AuthorizationDocument } from '../store/models';
import type { ReauthRequestDocument } from '../store/request-document';
import type { AskFacts } from '../worklist/worklist';
import { indexed } from '../worklist/worklist-rows';
import type { PreparedForm } from './prepared-form';

const dateOf = (ms: number | null | undefined): Date | null => (ms == null ? null : new Date(ms));

/**
 * The reauth form from what the worklist holds of an authorization and its requests: the same form
 * the stored documents give (the customer, the problem, the cooldown, the bounce, the suppression).
 */
export function preparedFormOf(
  { entry, lastSent }: AskFacts,
  input: { now: Date; cooldownHours: number; suppression: Suppression | null },
): PreparedForm {
  const problem: ProblemFacts = {
    state: entry.state,
    reason: entry.reason,
    expiresAt: dateOf(entry.expiresAt),
    declinedAt: dateOf(entry.declinedAt),
    revokedAt: dateOf(entry.revokedAt),
  };
  const latest = entry.request;
  return {
    authorizationId: entry.id,
    customerName: entry.name,
    customerEmail: entry.email,
    utility: entry.utility,
    problem,
    since: dateOf(entry.incidentSince ?? entry.updatedAt) ?? input.now,
    // A bounced email never reached the customer: fixing the address must not wait out a cooldown.
    cooldown:
      lastSent && lastSent.status !== 'bounced'
        ? activeCooldown(
            // '' when no copy said who asked (as the bulk ask's cooldown): the form then names nobody.
            { lastSentAt: new Date(lastSent.sentAt), lastSentBy: lastSent.requestedBy ?? '' },
            input.now,
            input.cooldownHours,
          )
        : null,
    bounced:
      latest?.status === 'bounced'
        ? { sentTo: latest.sentTo ?? '', reason: latest.bounceReason ?? null }
        : null,
    suppression: input.suppression,
  };
}

/** The same facts from the stored documents, for a form memory could not answer (reauth-service.ts). */
export function askFactsOfStored(
  authorization: AuthorizationDocument,
  requests: { latest: ReauthRequestDocument | null; lastSent: ReauthRequestDocument | null },
): AskFacts {
  const { latest, lastSent } = requests;
  return {
    entry: {
      ...indexed(authorization),
      request: latest && {
        id: latest._id.toHexString(),
        createdAt: latest.createdAt.getTime(),
        status: latest.status,
        statusAt: latest.statusAt.getTime(),
        sentTo: latest.recipient.email,
        requestedBy: latest.requestedBy.userId,
        bounceReason: latest.lastError?.message || null,
      },
    },
    lastSent: lastSent?.sentAt
      ? {
          id: lastSent._id.toHexString(),
          sentAt: lastSent.sentAt.getTime(),
          requestedBy: lastSent.requestedBy.userId,
          status: lastSent.status,
        }
      : null,
  };
}
