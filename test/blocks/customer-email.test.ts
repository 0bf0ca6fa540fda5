import { customerEmailWords, maskedEmail, NO_VALID_EMAIL_WORDS } from '../../blocks/customer-email';

describe('maskedEmail', () => {
  it('masks the whole address but the first letters and the TLD', () => {
    expect(maskedEmail('jane.doe@example.com')).toBe('j***@e***.com');
  });

  it('shows nothing Slack would read as markup, however the address was written', () => {
    for (const email of ['<!channel>@example.com', 'jane@<https://evil.example|click>', '&@&.com']) {
      expect(maskedEmail(email)).not.toMatch(/[<>&]/);
    }
  });

  it('stays short whatever the address', () => {
    expect(maskedEmail(`j${'x'.repeat(5000)}@example.${'c'.repeat(60)}`).length).toBeLessThanOrEqual(100);
  });
});

describe('customerEmailWords', () => {
  it('masks a valid address', () => {
    expect(customerEmailWords('jane@example.com')).toBe('j***@e***.com');
  });

  it.each([null, undefined, '', 'jane', 'jane@example', '<!here>@example.com'])(
    'says "No valid email on file" for %j',
    (email) => {
      expect(customerEmailWords(email)).toBe(NO_VALID_EMAIL_WORDS);
      expect(NO_VALID_EMAIL_WORDS).toBe('No valid email on file');
    },
  );
});
