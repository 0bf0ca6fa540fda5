import type { Logger } from './logger';

/** What runs, in the order it started, each with how it stops; `stopAll` stops it newest first, once. */
export function lifecycle(log: Logger) {
  const parts: { what: string; stop: () => unknown }[] = [];
  return {
    push(what: string, stop: () => unknown): void {
      parts.push({ what, stop });
    },
    async stopAll(): Promise<void> {
      for (const { what, stop } of parts.splice(0).reverse()) {
        // One part failing must not leave the later ones (the database last) running.
        await Promise.resolve()
          .then(stop)
          .catch((err: unknown) => log.error({ err, what }, 'could not stop a part of relink'));
      }
    },
  };
}
