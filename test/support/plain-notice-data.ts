import { problemFactsOf } from '../../src/domain/problem-words';
import type { NoticeData } from '../../src/reauth/notice-data';
import type { AuthorizationStore } from '../../src/store/authorizations';

/**
 * A notice's data read straight from the authorization, with no request, reminder or triage: what the
 * publisher's own tests draw notices from.
 */
export const plainNoticeData =
  (authorizations: () => Pick<AuthorizationStore, 'findById'>) =>
  async (id: string): Promise<NoticeData | null> => {
    const doc = await authorizations().findById(id);
    if (!doc) return null;
    return {
      authorizationId: id,
      workspaceId: doc.workspaceId,
      version: doc.version,
      customerName: doc.customer.name,
      customerEmail: doc.customer.email,
      utility: doc.utility,
      status: { ...problemFactsOf(doc), incidentOpen: doc.incidentOpen },
      since: doc.incidentSince ?? doc.updatedAt,
      lastRequest: null,
    };
  };
