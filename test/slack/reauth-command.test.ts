import { parseReauthCommand } from '../../src/slack/reauth-command';

describe('parseReauthCommand', () => {
  it.each(['', '   ', 'help', 'HELP', ' ? '])('reads %p as a request for help', (text) => {
    expect(parseReauthCommand(text)).toEqual({ kind: 'help' });
  });

  it('reads a missing text as help', () => {
    expect(parseReauthCommand(undefined)).toEqual({ kind: 'help' });
  });

  it.each([
    ['list bad-logins', 'bad-logins'],
    ['LIST Expired', 'expired'],
    ['list declined', 'declined'],
    ['list expiring', 'expiring'],
    ['list awaiting', 'awaiting'],
    ['list all', 'all'],
    ['list bad logins', 'bad-logins'],
    ['list bad_logins', 'bad-logins'],
    ['list expiring soon', 'expiring'],
    ['list awaiting customer', 'awaiting'],
  ])('reads %p as the %s filter', (text, filter) => {
    expect(parseReauthCommand(text)).toEqual({ kind: 'list', filter });
  });

  it.each(['list nonsense', 'list', 'list expired declined'])('does not understand %p', (text) => {
    expect(parseReauthCommand(text)).toEqual({ kind: 'unknown', text });
  });

  it.each([
    ['jane@example.com', 'jane@example.com'],
    ['  Jan  ', 'Jan'],
    ['mary   jane', 'mary jane'],
    ['65f1c0ffee65f1c0ffee0001', '65f1c0ffee65f1c0ffee0001'],
    ['<mailto:jane@example.com|jane@example.com>', 'jane@example.com'],
    ['listing', 'listing'],
  ])('reads %p as a search for %p', (text, query) => {
    expect(parseReauthCommand(text)).toEqual({ kind: 'find', query });
  });

  it('refuses a search far longer than any email or name', () => {
    expect(parseReauthCommand('x'.repeat(1000))).toMatchObject({ kind: 'unknown' });
  });
});
