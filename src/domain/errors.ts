/**
 * A failure relink knows how to explain. `code` is stable and drives what the user is told;
 * `message` is for logs and developers.
 */
export class RelinkError extends Error {
  override readonly name = 'RelinkError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Wraps anything thrown into a RelinkError so edges handle one shape. */
export function asRelinkError(err: unknown): RelinkError {
  if (err instanceof RelinkError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RelinkError('unexpected', message, { cause: err });
}
