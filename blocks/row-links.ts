import type { ContextBlock, KnownBlock } from '@slack/types';

export const NOTICE_LINK_WORDS = 'View the notice';
export const DASHBOARD_LINK_WORDS = 'Open in the UtilityAPI dashboard';
export const HOME_LINK_WORDS = 'Open the worklist in relink';

/**
 * A mrkdwn link, or null for a URL that would break out of `<url|words>` (Slack's own URLs never
 * contain these characters; anything else is not linked rather than escaped wrongly).
 */
export const mrkdwnLink = (url: string, words: string): string | null =>
  /^(https|slack):\/\/[^\s<>|]+$/.test(url) ? `<${url}|${words}>` : null;

/**
 * Adds the links to a row's notice and to its authorization in the platform's dashboard to the row's
 * status line (its context block), so the row keeps its block count: the Home is close to Slack's
 * 100-block limit (blocks/home-view.ts).
 */
export function withRowLinks(
  row: KnownBlock[],
  permalink: string | undefined,
  dashboard?: string | undefined,
): KnownBlock[] {
  const links = [
    permalink ? mrkdwnLink(permalink, NOTICE_LINK_WORDS) : null,
    dashboard ? mrkdwnLink(dashboard, DASHBOARD_LINK_WORDS) : null,
  ].filter((l): l is string => l !== null);
  const status = row.find((b): b is ContextBlock => b.type === 'context');
  if (links.length > 0 && status) status.elements.push({ type: 'mrkdwn', text: links.join(' · ') });
  return row;
}
