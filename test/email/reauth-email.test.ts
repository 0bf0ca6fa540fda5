import { REAUTH_LINK_PENDING, type ReauthEmailData, renderReauthEmail } from '../../src/email/reauth-email';

const base: ReauthEmailData = {
  customerName: 'Jane Doe',
  utility: 'PG&E',
  reason: { state: 'bad_login', reason: 'invalid_credentials' },
  note: null,
  senderName: 'Acme Solar',
  reauthUrl: 'https://utilityapi.com/authorize/abc?x=1&y=2',
};

describe('renderReauthEmail', () => {
  it('greets the customer, says why in their words, and gives the link', () => {
    const email = renderReauthEmail(base);
    expect(email.subject).toBe('Please relink your PG&E account');
    expect(email.text).toContain('Hi Jane Doe,');
    expect(email.text).toContain("the username and password for your PG&E account didn't work");
    expect(email.text).toContain('https://utilityapi.com/authorize/abc?x=1&y=2');
    expect(email.text).toContain('Thank you,\nAcme Solar');
    expect(email.html).toContain('href="https://utilityapi.com/authorize/abc?x=1&amp;y=2"');
  });

  it.each([
    [{ state: 'bad_login', reason: null }, "the username and password for your PG&E account didn't work"],
    [{ state: 'bad_login', reason: 'locked' }, 'your PG&E online account was locked'],
    [{ state: 'bad_login', reason: 'mfa_required' }, 'asks for a one-time code'],
    [{ state: 'expired', reason: null }, 'your authorization to share it with us expired'],
    [{ state: 'declined', reason: null }, 'the request to share it was declined'],
    [{ state: 'revoked', reason: null }, 'access to it was turned off'],
    [{ state: 'provider_issue', reason: null }, 'We need you to relink your PG&E account'],
    [
      'The platform says the meter moved.',
      'We can no longer receive your PG&E data. The platform says the meter moved.',
    ],
  ] as const)('explains %j', (reason, words) => {
    expect(renderReauthEmail({ ...base, reason }).text).toContain(words);
  });

  it('includes the personal note, HTML-escaped in the html part', () => {
    const note = 'Call me <b>"now"</b> & I\'ll help\nSecond line <script>alert(1)</script>';
    const email = renderReauthEmail({ ...base, note });
    expect(email.text).toContain(`A note from Acme Solar:\n${note}`);
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<b>');
    expect(email.html).toContain(
      'Call me &lt;b&gt;&quot;now&quot;&lt;/b&gt; &amp; I&#39;ll help<br>\nSecond line',
    );
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapes the name, utility and sender in the html part', () => {
    const email = renderReauthEmail({ ...base, customerName: '<img src=x>', senderName: 'A&B "Solar"' });
    expect(email.html).toContain('Hi &lt;img src=x&gt;,');
    expect(email.html).toContain('PG&amp;E');
    expect(email.html).toContain('A&amp;B &quot;Solar&quot;');
    expect(email.html).not.toContain('<img');
  });

  it('leaves the note out when there is none', () => {
    const email = renderReauthEmail({ ...base, note: '   ' });
    expect(email.text).not.toContain('A note from');
    expect(email.html).not.toContain('blockquote');
  });

  it('renders the preview with a placeholder where the link will be, and nothing else different', () => {
    const preview = renderReauthEmail({ ...base, note: 'See you soon', reauthUrl: null });
    const sent = renderReauthEmail({ ...base, note: 'See you soon' });
    expect(preview.text).toContain('(a secure reauthorization link is added when the email is sent)');
    expect(preview.html).not.toContain('href');
    expect(sent.text.replace(base.reauthUrl ?? '', REAUTH_LINK_PENDING)).toBe(preview.text);
    expect(sent.subject).toBe(preview.subject);
  });

  it.each(['javascript:alert(1)', 'data:text/html,hi', 'ftp://x', 'https://x y'])(
    'refuses a link like %s',
    (url) => {
      expect(() => renderReauthEmail({ ...base, reauthUrl: url })).toThrow(
        expect.objectContaining({ code: 'invalid_reauth_url' }),
      );
    },
  );
});
