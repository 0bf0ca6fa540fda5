import { Types } from 'mongoose';
import { requestEmail } from '../../src/reauth/request-email';
import type { ReauthRequestDocument } from '../../src/store/requests';

const request = {
  _id: new Types.ObjectId(),
  recipient: { name: 'Jane Doe', email: 'jane@example.com' },
  utility: 'PG&E',
  note: 'Thanks, Jane!',
  problem: { state: 'bad_login', reason: 'bad_credentials' },
} as unknown as ReauthRequestDocument;
const LINK = 'https://utilityapi.com/authorize/form-1';

describe('the email a request sends', () => {
  it('gives the template the same fields the rendered email shows', () => {
    const { rendered, templateData } = requestEmail(request, LINK, 'Sunny Solar');
    expect(templateData).toEqual({
      customerName: 'Jane Doe',
      utility: 'PG&E',
      note: 'Thanks, Jane!',
      reauthUrl: LINK,
      senderName: 'Sunny Solar',
    });
    for (const shown of ['Jane Doe', 'PG&E', 'Thanks, Jane!', LINK, 'Sunny Solar'])
      expect(rendered.text).toContain(shown);
  });

  it('says a reminder follows up, with the same link and words otherwise', () => {
    const first = requestEmail(request, LINK, 'Sunny Solar');
    const reminder = requestEmail(request, LINK, 'Sunny Solar', { number: 1 });
    expect(reminder.rendered.subject).not.toBe(first.rendered.subject);
    expect(reminder.rendered.subject).toMatch(/reminder/i);
    expect(reminder.rendered.text).toContain(LINK);
    expect(reminder.templateData).toEqual(first.templateData);
  });
});
