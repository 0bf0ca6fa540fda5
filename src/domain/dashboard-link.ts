/**
 * The link to one authorization in the platform's own dashboard. UtilityAPI documents no URL for a
 * single authorization in its dashboard (its docs describe the dashboard's filters, not its
 * addresses), so the shape is the operator's setting, `UTILITYAPI_DASHBOARD_URL`, with `{uid}` where
 * the authorization's uid goes; without the setting there is no link.
 */
export const DASHBOARD_UID_PLACEHOLDER = '{uid}';

export function dashboardUrl(template: string | null, uid: string | null): string | null {
  if (!template || !uid || !template.includes(DASHBOARD_UID_PLACEHOLDER)) return null;
  return template.split(DASHBOARD_UID_PLACEHOLDER).join(encodeURIComponent(uid));
}
