import {
  type AttemptCall,
  afterLastAttempt,
  type CallOutcome,
  certaintyWithinMs,
  DEFAULT_SEND_TIMINGS,
  type InFlightFacts,
  inFlightStep,
} from '../../src/domain/send-attempt';

const t0 = new Date('2026-11-28T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const called = (outcome: CallOutcome | null): AttemptCall => ({
  state: 'called',
  calledAt: t0,
  answerBy: at(12_000),
  outcome,
  messageId: null,
});

describe('whether a request may start its next attempt', () => {
  it.each([
    ['no records (the first attempt, or one from before claims)', { claim: null, call: null }, 'start'],
    ['an abandoned attempt', { claim: { callBy: at(1) }, call: { state: 'abandoned' } }, 'start'],
    ['one that certainly sent nothing', { claim: null, call: called('not_sent') }, 'start'],
    [
      'one a person chose to send again after it could not be confirmed',
      { claim: null, call: called('unconfirmed') },
      'start',
    ],
    ['one SendGrid took', { claim: null, call: called('sent') }, 'sent'],
    ['one still calling', { claim: null, call: called(null) }, 'unfinished'],
    ['one waiting for its event', { claim: null, call: called('unknown') }, 'unfinished'],
    ['one claimed but not called: it may still call', { claim: { callBy: at(1) }, call: null }, 'unfinished'],
  ] as const)('after %s: %s', (_, records, verdict) => {
    expect(afterLastAttempt(records)).toBe(verdict);
  });
});

describe('the next step for an in-flight attempt', () => {
  const facts = (over: Partial<InFlightFacts>): InFlightFacts => ({
    claim: { callBy: at(15_000) },
    call: null,
    confirmBy: null,
    sendingSince: t0,
    upSince: at(-3_600_000),
    now: t0,
    timings: DEFAULT_SEND_TIMINGS,
    ...over,
  });

  it('waits for a claim that may still call, then abandons it: nothing was sent', () => {
    expect(inFlightStep(facts({ now: at(14_999) }))).toEqual({ kind: 'wait', until: at(15_000) });
    expect(inFlightStep(facts({ now: at(15_000) }))).toEqual({ kind: 'abandon' });
  });

  it('waits out the answer, then the window for SendGrid’s event, then says it could not confirm', () => {
    const call = called(null);
    expect(inFlightStep(facts({ call, now: at(11_000) }))).toEqual({ kind: 'wait', until: at(12_000) });
    expect(inFlightStep(facts({ call, now: at(12_000) }))).toEqual({
      kind: 'await_event',
      until: at(12_000 + DEFAULT_SEND_TIMINGS.confirmWithinMs),
    });
    const confirmBy = at(37_000);
    expect(inFlightStep(facts({ call: called('unknown'), confirmBy, now: at(36_999) }))).toEqual({
      kind: 'wait',
      until: confirmBy,
    });
    expect(inFlightStep(facts({ call: called('unknown'), confirmBy, now: confirmBy }))).toEqual({
      kind: 'unconfirmed',
    });
  });

  it('keeps the window open after a restart, however old it is: SendGrid retries events it could not deliver', () => {
    const call = called('unknown');
    const confirmBy = at(5_000);
    const upSince = at(60_000);
    const reopened = at(60_000 + DEFAULT_SEND_TIMINGS.confirmWithinMs);
    expect(inFlightStep(facts({ call, confirmBy, upSince, now: at(61_000) }))).toEqual({
      kind: 'wait',
      until: reopened,
    });
    expect(inFlightStep(facts({ call, confirmBy, upSince, now: reopened }))).toEqual({ kind: 'unconfirmed' });
  });

  it('finishes applying an outcome decided before a crash, and frees an abandoned attempt', () => {
    for (const outcome of ['sent', 'not_sent', 'unconfirmed'] as const) {
      expect(inFlightStep(facts({ call: called(outcome) }))).toEqual({ kind: 'apply', outcome });
    }
    expect(inFlightStep(facts({ call: { state: 'abandoned' } }))).toEqual({ kind: 'release' });
  });

  it('treats a send from before claims as called when it was marked', () => {
    expect(inFlightStep(facts({ claim: null, now: at(1_000) }))).toEqual({
      kind: 'wait',
      until: at(DEFAULT_SEND_TIMINGS.answerWithinMs),
    });
  });
});

describe('the default send timings', () => {
  it('settle every send a crash left behind within 60 s of a restart, publishing included', () => {
    // The send job runs every 10 s; publishing the reply takes a few seconds more at worst.
    expect(certaintyWithinMs(DEFAULT_SEND_TIMINGS, 10_000) + 5_000).toBeLessThanOrEqual(60_000);
  });

  it('wait longer for an answer than the mailer’s own timeout', () => {
    expect(DEFAULT_SEND_TIMINGS.answerWithinMs).toBeGreaterThan(10_000);
  });
});
