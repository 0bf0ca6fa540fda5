import { maskEmail } from '../../src/domain/mask-email';

describe('maskEmail', () => {
  it.each([
    ['jane@example.com', 'j***@e***.com'],
    ['Jane.Doe+bills@mail.example.co.uk', 'J***@m***.uk'],
    ['bob@utility.org', 'b***@u***.org'],
    ['jane@xn--80ak6aa92e.xn--p1ai', 'j***@x***.xn--p1ai'],
    ['jane@localhost', 'j***@l***'],
  ])('masks %s as %s: the domain too, keeping its TLD', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it.each(['', 'jane', '@example.com', 'jane@'])('masks %j, which is not an email, whole', (value) => {
    expect(maskEmail(value)).toBe('***');
  });

  it('lets no customer-written markup through: only letters, digits, *, @ and . remain', () => {
    for (const hostile of [
      '<!channel>@example.com',
      '<@U123>@<https://evil.example|click>',
      'jane@evil.example|click>',
      '*bold*@~strike~.`code`',
      '&amp;@example.com',
      `${'<'.repeat(5000)}@${'>'.repeat(5000)}.com`,
    ]) {
      expect(maskEmail(hostile)).toMatch(/^[\p{L}\p{N}*]\*\*\*@[\p{L}\p{N}*]\*\*\*(\.[A-Za-z0-9-]+)?$/u);
    }
  });

  it('keeps a first letter outside the BMP whole, and masks a first emoji rather than halve it', () => {
    expect(maskEmail('𝒥ane@𝒳.com')).toBe('𝒥***@𝒳***.com');
    expect(maskEmail('😀jane@😀.com')).toBe('****@****.com');
  });
});
