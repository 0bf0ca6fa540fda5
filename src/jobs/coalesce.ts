/**
 * Wraps work so calls while it runs fold into one more run afterwards: a burst of webhooks or
 * clicks triggers at most two runs, and the last call is always followed by a complete run.
 */
export function coalesce(work: () => Promise<unknown>, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await work().catch(onError);
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
