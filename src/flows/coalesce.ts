/**
 * One step's runs in this process: a call while it runs folds into one more run afterwards, so a burst
 * of calls costs at most two runs and the last call is always followed by a complete one.
 */
export interface Coalesced {
  run(): Promise<void>;
  /** A run is in progress (or owed). */
  isRunning(): boolean;
  /** Drops a run still owed and resolves when the one in progress (if any) ends. */
  finish(): Promise<void>;
}

/** Calls while `work` runs fold into one more run afterwards. */
export function coalesce(work: () => Promise<unknown>, onError: (err: unknown) => void): Coalesced {
  let running: Promise<void> | null = null;
  let again = false;
  let finishing = false;
  return {
    run(): Promise<void> {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            await work().catch(onError);
          } while (again && !finishing);
        } finally {
          running = null;
        }
      })();
      return running;
    },
    isRunning: () => running !== null,
    async finish(): Promise<void> {
      finishing = true;
      await running;
    },
  };
}
