/** Slack reads &, < and > as markup (<!channel>, links): customer data must not be read that way. */
export const escapeMrkdwn = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Shortens to `max` characters with an ellipsis, never splitting an emoji (code points, not UTF-16 units). */
export function clip(value: string, max: number): string {
  const chars = [...value];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : value;
}

/** 1234 → "1,234", the same on every machine (toLocaleString depends on the runtime's ICU data). */
export const formatCount = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A user mention only for what looks like a Slack user id, so stored text can never ping anyone else. */
export const mention = (userId: string | null | undefined): string =>
  userId && /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : 'someone';

// Slack renders <!date^…> in each reader's time zone; the fallback is UTC, so builders stay clock-free.
const slackDateToken = (at: Date, format: string, fallback: string): string =>
  `<!date^${Math.floor(at.getTime() / 1000)}^${format}|${fallback}>`;

/** "14:30" in the reader's time zone. */
export const slackTime = (at: Date): string =>
  slackDateToken(at, '{time}', `${at.toISOString().slice(11, 16)} UTC`);

/** "Dec 8 at 14:30" (or "today at 14:30") in the reader's time zone. */
export const slackDayAndTime = (at: Date): string =>
  slackDateToken(
    at,
    '{date_short_pretty} at {time}',
    `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  );
