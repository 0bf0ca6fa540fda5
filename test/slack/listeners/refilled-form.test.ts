import type { PreparedForm } from '../../../src/reauth/prepared-form';
import { BlockId } from '../../../src/slack/ids';
import { refilledForm } from '../../../src/slack/listeners/refilled-form';
import { allText, findInput } from '../../support/block-kit';
import { viewProblems } from '../../support/block-kit-validator';

const now = new Date('2026-03-12T10:45:00Z');
const form: PreparedForm = {
  authorizationId: 'auth-42',
  customerName: 'Jane Doe',
  customerEmail: 'jane@example.com',
  utility: 'PG&E',
  problem: {
    state: 'bad_login',
    reason: 'invalid_credentials',
    expiresAt: null,
    declinedAt: null,
    revokedAt: null,
  },
  since: new Date('2026-03-11T10:45:00Z'),
  cooldown: null,
  suppression: { reason: 'spamreport', at: new Date('2026-03-12T09:45:00Z') },
};
const draft = {
  customerName: 'Jane Roe',
  customerEmail: 'Jane@Example.com',
  utility: 'PG&E',
  note: 'Hi',
  sendAnyway: false,
};

describe('refilledForm', () => {
  it('shows what was typed, and the suppression while the address is still the suppressed one', () => {
    const view = refilledForm(form, draft, now);
    const email = findInput(view.blocks, BlockId.customerEmail)?.element as { initial_value?: string };
    expect(email.initial_value).toBe('Jane@Example.com');
    expect(allText(view.blocks)).toContain('This customer marked our email as spam 1 hour ago');
    expect(findInput(view.blocks, BlockId.sendAnyway)).toBeDefined();
    expect(viewProblems(view)).toEqual([]);
  });

  it('drops the suppression once another address is typed: it was about the old one', () => {
    const view = refilledForm(form, { ...draft, customerEmail: 'jane.roe@example.com' }, now);
    expect(allText(view.blocks)).not.toContain('marked our email as spam');
    expect(findInput(view.blocks, BlockId.sendAnyway)).toBeUndefined();
  });
});
