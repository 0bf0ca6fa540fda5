/**
 * One try at sending one email, and what relink may conclude about it (issue 12). SendGrid's mail send
 * has no idempotency key: once a request may have reached it, only its Event Webhook can tell whether
 * the email went out. So every attempt is claimed before anything is sent, and its call to SendGrid is
 * recorded before it is made; what relink does after a crash or a lost answer follows from those two
 * records, by the rules below. Pure: the stores and the sender apply what these functions decide.
 */

/** What became of an attempt's call to SendGrid. */
export type CallOutcome =
  /** SendGrid accepted it (its answer, or an event for it, says so). */
  | 'sent'
  /** SendGrid certainly did not take it: refused before connecting, 429, 4xx, 5xx with no message id. */
  | 'not_sent'
  /** The request may have reached SendGrid but no answer came (timeout, reset): waiting for its event. */
  | 'unknown'
  /** No answer and no event within the window: a person decides whether to send again. */
  | 'unconfirmed';

/**
 * An attempt's call as recorded: `called` is written just before SendGrid is called; `abandoned` is
 * written instead when the attempt's time to call ran out, and then it never calls. The two share one
 * unique id, so exactly one of them is ever written.
 */
export type AttemptCall =
  | {
      state: 'called';
      calledAt: Date;
      answerBy: Date;
      outcome: CallOutcome | null;
      /** SendGrid's X-Message-Id once `sent` (from its answer or its event). */
      messageId: string | null;
    }
  | { state: 'abandoned' };

export interface SendTimings {
  /** An attempt calls SendGrid within this long of its claim (the platform link included), or never. */
  callWithinMs: number;
  /** Longer than any answer can take (the mailer's timeout plus slack): past it, none is coming. */
  answerWithinMs: number;
  /** How long an unknown outcome waits for SendGrid's event before the thread offers Send again. */
  confirmWithinMs: number;
}

/**
 * SendGrid reports `processed` within seconds of accepting a send; the window leaves room for its
 * webhook retries. With these, every unknown outcome is settled well within 60 s of a restart or of
 * the timeout (see {@link certaintyWithinMs}).
 */
export const DEFAULT_SEND_TIMINGS: SendTimings = {
  callWithinMs: 15_000,
  answerWithinMs: 12_000,
  confirmWithinMs: 25_000,
};

/**
 * The longest a restarted relink can take to settle a send the crash left behind, given that it looks
 * at in-flight sends at least every `sweepEveryMs`: a crash after the call waits out the answer, then
 * the window; one before the call waits out the claim, then sends at once.
 */
export const certaintyWithinMs = (t: SendTimings, sweepEveryMs: number): number =>
  Math.max(t.callWithinMs, t.answerWithinMs, sweepEveryMs) + t.confirmWithinMs;

/** An attempt as its records show it: its claim (null before claims existed) and its call. */
export interface AttemptRecords {
  claim: { callBy: Date } | null;
  call: AttemptCall | null;
}

/**
 * Whether a queued request may start a new attempt after its last one: only when that attempt
 * certainly sent nothing, or could not be confirmed and a person chose to send again (Send again
 * queues it). `sent` means the request only has to show it; `unfinished` means the last attempt may
 * still call SendGrid or may have sent, so it is handled as in flight and nothing new starts.
 */
export function afterLastAttempt(last: AttemptRecords): 'start' | 'sent' | 'unfinished' {
  const { claim, call } = last;
  // No records: the first attempt, or one that finished before claims existed.
  if (!claim && !call) return 'start';
  if (!call) return 'unfinished'; // claimed, not called: it may still call until it is abandoned
  if (call.state === 'abandoned') return 'start';
  if (call.outcome === 'sent') return 'sent';
  return call.outcome === 'not_sent' || call.outcome === 'unconfirmed' ? 'start' : 'unfinished';
}

/** What to do now about an attempt that is, as far as its request says, still in flight. */
export type InFlightStep =
  /** Its owner may still be at work, or its window is open: look again at `until`. */
  | { kind: 'wait'; until: Date }
  /** It never called SendGrid and now never will: certainly nothing was sent. */
  | { kind: 'abandon' }
  /** Its outcome is decided; the request only has to show it. */
  | { kind: 'apply'; outcome: 'sent' | 'not_sent' | 'unconfirmed' }
  /** It was abandoned: the request is free for its next attempt. */
  | { kind: 'release' }
  /** No answer is coming: wait for SendGrid's event until `until`. */
  | { kind: 'await_event'; until: Date }
  /** No answer and no event in time: say so, with Send again. */
  | { kind: 'unconfirmed' };

/** An in-flight attempt's records; a null claim is a send from before claims existed (marked, then called). */
export interface InFlightFacts extends AttemptRecords {
  /** When the request started waiting for an event, the end of that wait; null if it has not. */
  confirmBy: Date | null;
  /** When the request was marked in flight. */
  sendingSince: Date;
  /**
   * When this relink process started. SendGrid cannot deliver events to a relink that is down, and
   * retries them later, so a window is never over before it has been open this long since the start.
   */
  upSince: Date;
  now: Date;
  timings: SendTimings;
}

/** Decides the next step for an in-flight attempt; the same facts always give the same step. */
export function inFlightStep(f: InFlightFacts): InFlightStep {
  const { call, now } = f;
  if (call?.state === 'abandoned') return { kind: 'release' };
  const outcome = call?.outcome ?? null;
  if (outcome === 'sent' || outcome === 'not_sent' || outcome === 'unconfirmed') {
    return { kind: 'apply', outcome };
  }
  if (!call && f.claim) {
    return now >= f.claim.callBy ? { kind: 'abandon' } : { kind: 'wait', until: f.claim.callBy };
  }
  if (f.confirmBy) {
    const until = new Date(Math.max(f.confirmBy.getTime(), f.upSince.getTime() + f.timings.confirmWithinMs));
    return now >= until ? { kind: 'unconfirmed' } : { kind: 'wait', until };
  }
  // Before claims, a send was marked in flight just before SendGrid was called.
  const answerBy = call?.answerBy ?? new Date(f.sendingSince.getTime() + f.timings.answerWithinMs);
  if (outcome === null && now < answerBy) return { kind: 'wait', until: answerBy };
  return { kind: 'await_event', until: new Date(now.getTime() + f.timings.confirmWithinMs) };
}
