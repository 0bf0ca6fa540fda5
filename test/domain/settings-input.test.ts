import {
  COOLDOWN_HOURS_MAX,
  formatExpiryWarningDays,
  parseCooldownHours,
  parseExpiryWarningDays,
} from '../../src/domain/settings-input';

describe('the cooldown an admin enters', () => {
  it.each([
    ['24', 24],
    [' 0 ', 0],
    [String(COOLDOWN_HOURS_MAX), COOLDOWN_HOURS_MAX],
  ])('takes %j as %d hours', (text, hours) => {
    expect(parseCooldownHours(text)).toEqual({ ok: true, hours });
  });

  it.each([
    ['-1', 'negative'],
    [String(COOLDOWN_HOURS_MAX + 1), 'too_large'],
    ['1.5', 'not_whole'],
    ['', 'not_whole'],
    ['24h', 'not_whole'],
  ])('refuses %j as %s', (text, problem) => {
    expect(parseCooldownHours(text)).toEqual({ ok: false, problem });
  });
});

describe('the expiry-warning days an admin enters', () => {
  it('reads whole days, drops repeats and sorts them largest first', () => {
    expect(parseExpiryWarningDays('1, 30,7,7')).toEqual({ ok: true, days: [30, 7, 1] });
    expect(parseExpiryWarningDays('14,')).toEqual({ ok: true, days: [14] });
    expect(formatExpiryWarningDays([30, 7, 1])).toBe('30,7,1');
  });

  it.each([
    ['', 'not_a_list'],
    ['30;7', 'not_a_list'],
    ['thirty', 'not_a_list'],
    ['7,-1', 'not_a_list'],
    ['2.5', 'not_a_list'],
    ['0', 'out_of_range'],
    ['366', 'out_of_range'],
    ['60,30,14,7,3,1', 'too_many'],
  ])('refuses %j as %s', (text, problem) => {
    expect(parseExpiryWarningDays(text)).toEqual({ ok: false, problem });
  });
});
