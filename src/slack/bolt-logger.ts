import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../logger';

// Slack tokens: bot/user/app-level. Bolt and the WebClient redact their own logs; this is the backstop.
const TOKEN = /\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g;
export const scrub = (text: string) => text.replace(TOKEN, '[redacted token]');

/** The error itself, or a copy without the token when its message or stack carries one. */
export const safeError = (err: unknown): Error => {
  if (!(err instanceof Error)) return new Error(scrub(String(err)));
  const text = `${err.message}\n${err.stack ?? ''}`;
  if (scrub(text) === text) return err;
  const copy = new Error(scrub(err.message));
  copy.name = err.name;
  copy.stack = scrub(err.stack ?? '');
  return copy;
};

const asText = (part: unknown) => {
  if (typeof part === 'string') return part;
  try {
    return JSON.stringify(part);
  } catch {
    return String(part);
  }
};

// Bolt's and the WebClient's debug output prints request and response bodies (customer names and
// emails), which relink never logs; so Bolt reports at info at most verbose.
const toBoltLevel = (level: string): LogLevel => {
  if (level === 'trace' || level === 'debug' || level === 'info') return LogLevel.INFO;
  if (level === 'warn') return LogLevel.WARN;
  return LogLevel.ERROR;
};

/** Bolt's logger interface over pino: structured lines under `component: bolt`, tokens scrubbed. */
export function boltLogger(log: Logger): BoltLogger {
  const bolt = log.child({ component: 'bolt' });
  let level = toBoltLevel(bolt.level);
  const rank = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
  const write =
    (at: LogLevel) =>
    (...parts: unknown[]) => {
      if (rank.indexOf(at) < rank.indexOf(level) || !bolt.isLevelEnabled(at)) return;
      const err = parts.find((p) => p instanceof Error);
      const msg = scrub(
        parts
          .filter((p) => !(p instanceof Error))
          .map(asText)
          .join(' '),
      );
      if (err) bolt[at]({ err: safeError(err) }, msg);
      else bolt[at](msg);
    };
  return {
    debug: write(LogLevel.DEBUG),
    info: write(LogLevel.INFO),
    warn: write(LogLevel.WARN),
    error: write(LogLevel.ERROR),
    // Only Bolt's own threshold moves, never below info (see toBoltLevel); relink's logging is untouched.
    setLevel: (requested) => {
      level = requested === LogLevel.DEBUG ? LogLevel.INFO : requested;
    },
    getLevel: () => level,
    // The `component` binding already names the source.
    setName: () => undefined,
  };
}
