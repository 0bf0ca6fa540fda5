import {
  DEFAULT_REMINDER_SETTINGS,
  nextInSeries,
  parseReminderSettings,
  type ReminderFacts,
  reminderStep,
} from '../../src/domain/reminders';

const DAY = 86_400_000;
const sentAt = new Date('2026-11-02T10:00:00Z');
const at = (days: number) => new Date(sentAt.getTime() + days * DAY);

const facts = (over: Partial<ReminderFacts> = {}): ReminderFacts => ({
  series: { lastEmailAt: sentAt, sent: 0 },
  settings: DEFAULT_REMINDER_SETTINGS,
  requestStatus: 'delivered',
  stopped: false,
  relinked: false,
  suppressed: false,
  retryAt: null,
  now: at(1),
  ...over,
});

describe('the reminder schedule', () => {
  it('defaults to a reminder 3 days after the email, twice', () => {
    expect(DEFAULT_REMINDER_SETTINGS).toEqual({ afterDays: 3, max: 2 });
  });

  it('numbers each reminder and counts N days from the last email', () => {
    expect(nextInSeries({ lastEmailAt: sentAt, sent: 0 }, DEFAULT_REMINDER_SETTINGS)).toEqual({
      kind: 'reminder',
      number: 1,
      at: at(3),
    });
    expect(nextInSeries({ lastEmailAt: at(3), sent: 1 }, { afterDays: 5, max: 2 })).toEqual({
      kind: 'reminder',
      number: 2,
      at: at(8),
    });
  });

  it('after the last reminder, schedules "no response" N days later', () => {
    expect(nextInSeries({ lastEmailAt: at(6), sent: 2 }, DEFAULT_REMINDER_SETTINGS)).toEqual({
      kind: 'no_response',
      at: at(9),
    });
    // No reminders at all: no response N days after the email.
    expect(nextInSeries({ lastEmailAt: sentAt, sent: 0 }, { afterDays: 3, max: 0 })).toEqual({
      kind: 'no_response',
      at: at(3),
    });
  });
});

describe('the next step of a series', () => {
  it('waits until the reminder is due, then sends it', () => {
    expect(reminderStep(facts({ now: at(2.9) }))).toEqual({ kind: 'wait', until: at(3) });
    expect(reminderStep(facts({ now: at(3) }))).toEqual({ kind: 'send', number: 1 });
  });

  it('marks no response once every reminder went out and N more days passed', () => {
    const series = { lastEmailAt: at(6), sent: 2 };
    expect(reminderStep(facts({ series, now: at(8) }))).toEqual({ kind: 'wait', until: at(9) });
    expect(reminderStep(facts({ series, now: at(9) }))).toEqual({ kind: 'no_response' });
  });

  it('ends the series when the customer relinked, someone stopped it, or the address is suppressed', () => {
    const due = at(4);
    expect(reminderStep(facts({ now: due, relinked: true }))).toEqual({ kind: 'drop', why: 'relinked' });
    expect(reminderStep(facts({ now: due, stopped: true }))).toEqual({ kind: 'drop', why: 'stopped' });
    expect(reminderStep(facts({ now: due, suppressed: true }))).toEqual({ kind: 'drop', why: 'suppressed' });
  });

  it('ends the series of a request that is no longer waiting for the customer', () => {
    for (const requestStatus of ['superseded', 'bounced', 'failed', 'completed', 'no_response'] as const) {
      expect(reminderStep(facts({ now: at(4), requestStatus }))).toEqual({
        kind: 'drop',
        why: 'not_awaiting',
      });
    }
    for (const requestStatus of ['sent', 'delivered', 'opened', 'clicked'] as const) {
      expect(reminderStep(facts({ now: at(4), requestStatus }))).toEqual({ kind: 'send', number: 1 });
    }
  });

  it('waits, rather than ending the series, while its request is still being marked sent', () => {
    // The series is written just before the request's status: a job running in between reads queued.
    for (const now of [at(1), at(4)]) {
      expect(reminderStep(facts({ now, requestStatus: 'queued' }))).toEqual({ kind: 'wait', until: at(3) });
    }
  });

  it('after a try that sent nothing, waits for its retry time', () => {
    const retryAt = at(3.5);
    expect(reminderStep(facts({ now: at(3.2), retryAt }))).toEqual({ kind: 'wait', until: retryAt });
    expect(reminderStep(facts({ now: retryAt, retryAt }))).toEqual({ kind: 'send', number: 1 });
  });
});

describe('the reminder settings an admin types', () => {
  it('accepts whole days from 1 to 30 and 0 to 5 reminders', () => {
    expect(parseReminderSettings(' 7 ', '0')).toEqual({ ok: true, settings: { afterDays: 7, max: 0 } });
    expect(parseReminderSettings('1', '5')).toEqual({ ok: true, settings: { afterDays: 1, max: 5 } });
  });

  it('says which field is wrong', () => {
    expect(parseReminderSettings('0', '2')).toEqual({ ok: false, problems: ['after_days_out_of_range'] });
    expect(parseReminderSettings('31', '6')).toEqual({
      ok: false,
      problems: ['after_days_out_of_range', 'max_out_of_range'],
    });
    expect(parseReminderSettings('2.5', '-1')).toEqual({
      ok: false,
      problems: ['after_days_out_of_range', 'max_out_of_range'],
    });
  });
});
