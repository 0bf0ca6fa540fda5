import { z } from 'zod';
import { isValidEmail, validEmailOrNull } from '../../src/domain/email-address';
import { EMAIL_MAX_CHARS } from '../../src/domain/reauth-draft';

// What the reauth form accepted before the rule moved to the domain: zod's email check and 254 chars.
const zodAccepts = (value: string) => z.email().max(EMAIL_MAX_CHARS).safeParse(value).success;

const samples = [
  'jane@example.com',
  'Jane.Doe+bills@mail.example.co.uk',
  "o'brien@example.ie",
  'a_b-c@x-y.example',
  'x@example.museum',
  'jane@xn--80ak6aa92e.com',
  `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.com`,
  `${'a'.repeat(240)}@example.com`,
  `${'a'.repeat(250)}@example.com`,
  '',
  'jane',
  'jane@',
  '@example.com',
  'jane@example',
  'jane@example.c',
  'jane@@example.com',
  'jane..doe@example.com',
  '.jane@example.com',
  'jane.@example.com',
  'jane doe@example.com',
  ' jane@example.com',
  'jane@example.com ',
  'jane@-example.com',
  'jane@example.123',
  '<!channel>@example.com',
  'jane@<https://evil.example|click>.com',
  '<@U123>@example.com',
  'jane&co@example.com',
  '*bold*@example.com',
  '~strike~@example.com',
  '`code`@example.com',
  'jäne@example.com',
  'jane@exämple.com',
  'jane\u202E@example.com',
];

describe('isValidEmail', () => {
  it.each(samples)('agrees with the form’s former zod rule on %j', (value) => {
    expect(isValidEmail(value)).toBe(zodAccepts(value));
  });

  it('accepts ordinary addresses and refuses anything carrying Slack markup', () => {
    expect(isValidEmail('jane@example.com')).toBe(true);
    for (const value of ['<!channel>@example.com', 'a&b@example.com', 'jane@example.com>']) {
      expect(isValidEmail(value)).toBe(false);
    }
  });

  it(`refuses an address longer than ${EMAIL_MAX_CHARS} characters`, () => {
    const at = (n: number) => `${'a'.repeat(n - '@example.com'.length)}@example.com`;
    expect(isValidEmail(at(EMAIL_MAX_CHARS))).toBe(true);
    expect(isValidEmail(at(EMAIL_MAX_CHARS + 1))).toBe(false);
  });
});

describe('validEmailOrNull', () => {
  it('keeps a valid address, trimmed', () => {
    expect(validEmailOrNull('  jane@example.com\n')).toBe('jane@example.com');
  });

  it.each([null, undefined, '', '   ', 'jane at example dot com', '<!here>'])(
    'turns %j into null',
    (value) => {
      expect(validEmailOrNull(value)).toBeNull();
    },
  );
});
