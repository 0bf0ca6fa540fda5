import { dashboardUrl } from '../domain/dashboard-link';
import type { AuthorizationStore } from '../store/authorizations';

/**
 * Each Home row's link to its authorization in the platform's dashboard, keyed by hex id. Reads the
 * page's authorizations by `_id` (a page is at most 20 rows), and only when a template is set.
 */
export function createDashboardLinks(deps: {
  authorizations: Pick<AuthorizationStore, 'findById'>;
  template: string | null;
}) {
  return async function dashboardLinks(authorizationIds: readonly string[]): Promise<Map<string, string>> {
    const links = new Map<string, string>();
    if (!deps.template) return links;
    const docs = await Promise.all(authorizationIds.map((id) => deps.authorizations.findById(id)));
    authorizationIds.forEach((id, i) => {
      const url = dashboardUrl(deps.template, docs[i]?.externalId ?? null);
      if (url) links.set(id, url);
    });
    return links;
  };
}
