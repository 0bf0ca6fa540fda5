import pino, { type Logger } from 'pino';
import { maskEmail } from './domain/mask-email';

export type { Logger } from 'pino';

// Secrets are removed whole; emails are masked so a log line still says which customer it was about.
const secretPaths = [
  'token',
  '*.token',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
  '*.headers["x-slack-signature"]',
];
const emailKeys = ['email', 'customerEmail', 'to'];
const emailPaths = emailKeys.flatMap((key) => [key, `*.${key}`]);

export interface LoggerOptions {
  level: string;
  pretty: boolean;
}

/** Creates the root logger; pass `destination` to capture lines (tests). */
export function createLogger(options: LoggerOptions, destination?: pino.DestinationStream): Logger {
  const base: pino.LoggerOptions = {
    level: options.level,
    base: { app: 'relink' },
    redact: {
      paths: [...secretPaths, ...emailPaths],
      censor: (value, path) =>
        typeof value === 'string' && emailKeys.includes(path.at(-1) ?? '') ? maskEmail(value) : '[Redacted]',
    },
    serializers: { err: pino.stdSerializers.err },
  };
  if (destination) return pino(base, destination);
  if (options.pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino(base);
}
