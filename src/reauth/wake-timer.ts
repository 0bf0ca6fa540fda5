/**
 * One timer for the earliest deadline asked for: a claim running out or a window closing is acted on
 * when it comes (within 60 s of a restart or a timeout), not at the send job's next tick. Unref'd: it
 * never keeps a stopping process alive.
 */
export function createWakeTimer(run: (() => unknown) | null, clock: () => Date) {
  let timer: NodeJS.Timeout | null = null;
  let due = Number.POSITIVE_INFINITY;
  let stopped = false;
  return {
    at(when: Date): void {
      if (!run || stopped || when.getTime() >= due) return;
      if (timer) clearTimeout(timer);
      due = when.getTime();
      // A little after the deadline: the sweep compares with its own clock read.
      timer = setTimeout(
        () => {
          timer = null;
          due = Number.POSITIVE_INFINITY;
          void run();
        },
        Math.max(0, due - clock().getTime()) + 25,
      );
      timer.unref();
    },
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
