import { createLogger } from '../../src/logger';

/** A real pino logger that writes nowhere: code under test logs exactly as in production. */
export const silentLog = () => createLogger({ level: 'silent', pretty: false });
