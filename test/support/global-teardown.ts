import type { EmbeddedDb } from '../../src/store/embedded-db';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { relinkTestDb?: EmbeddedDb }).relinkTestDb?.stop();
}
