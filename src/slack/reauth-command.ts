import { isWorklistFilter, type WorklistFilter } from '../domain/worklist';

/** What a person asked `/reauth` for. */
export type ReauthCommand =
  | { kind: 'help' }
  | { kind: 'list'; filter: WorklistFilter }
  | { kind: 'find'; query: string }
  | { kind: 'unknown'; text: string };

const HELP_WORDS = new Set(['help', '?', '-h', '--help']);

// People type the tab names they see in the App Home; accept those for the filters they mean.
const FILTER_ALIASES: Record<string, WorklistFilter> = {
  'bad-login': 'bad-logins',
  badlogins: 'bad-logins',
  'expiring-soon': 'expiring',
  'awaiting-customer': 'awaiting',
};

// A query longer than any email (254) or name is a paste gone wrong, not a search.
const QUERY_MAX_CHARS = 300;

/**
 * Slack may send what looks like an email or a link as `<mailto:jane@example.com|jane@example.com>`
 * or `<https://…|label>` (when the command escapes links): read what the person typed.
 */
const unwrapSlackLinks = (text: string): string =>
  text.replace(/<(?:mailto:|https?:\/\/)[^|>]*\|([^>]*)>/g, '$1').replace(/<mailto:([^|>]*)>/g, '$1');

/**
 * Reads the text after `/reauth`: empty or `help` → help; `list <filter>` → that filter (or unknown);
 * anything else → a search for an email, an authorization id or the start of a name.
 */
export function parseReauthCommand(raw: string | null | undefined): ReauthCommand {
  const text = unwrapSlackLinks(raw ?? '')
    .replace(/[\p{Cc}\s]+/gu, ' ')
    .trim();
  if (text === '' || HELP_WORDS.has(text.toLowerCase())) return { kind: 'help' };

  const [first = '', ...rest] = text.split(' ');
  if (first.toLowerCase() === 'list') {
    const wanted = rest.join('-').toLowerCase().replace(/_/g, '-');
    const filter = isWorklistFilter(wanted) ? wanted : FILTER_ALIASES[wanted];
    return filter ? { kind: 'list', filter } : { kind: 'unknown', text };
  }
  if (text.length > QUERY_MAX_CHARS) return { kind: 'unknown', text: `${text.slice(0, 40)}…` };
  return { kind: 'find', query: text };
}
