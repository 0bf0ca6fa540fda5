import { expiryWarningMessage } from '../../blocks/expiry-warning-message';
import { messageProblems } from '../support/block-kit-validator';

const now = new Date('2026-03-05T12:00:00Z');
const warning = {
  authorizationId: '6650f1c2a1b2c3d4e5f60718',
  customerName: 'Grace <!channel> Hopper',
  customerEmail: 'grace@example.com',
  utility: 'PG&E',
  expiresAt: new Date('2026-03-12T12:00:00Z'),
};

describe('expiryWarningMessage', () => {
  it('says when the authorization expires, in days and as a date', () => {
    const message = expiryWarningMessage(warning, now);
    expect(message.text).toContain('expires in 7 days (12 Mar 2026)');
    expect(JSON.stringify(message.blocks)).toContain('This authorization expires in 7 days (12 Mar 2026).');
  });

  it('offers no button: nothing is broken yet', () => {
    expect(JSON.stringify(expiryWarningMessage(warning, now).blocks)).not.toContain('"button"');
  });

  it('masks the email and escapes customer text', () => {
    const json = JSON.stringify(expiryWarningMessage(warning, now));
    expect(json).not.toContain('grace@example.com');
    expect(json).toContain('g***@e***.com');
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('PG&amp;E');
  });

  it('stays within Block Kit limits', () => {
    expect(
      messageProblems(expiryWarningMessage({ ...warning, customerName: 'x'.repeat(5000) }, now)),
    ).toEqual([]);
  });
});
