import type { Checkboxes, EmailInput, PlainTextInput } from '@slack/types';
import {
  NO_VALID_EMAIL_HINT,
  type ReauthForm,
  reauthFormView,
  reauthLoadingView,
  reauthUnavailableView,
} from '../../blocks/reauth-form-view';
import { BlockId, CallbackId } from '../../src/slack/ids';
import { reauthFormMeta } from '../../src/slack/metadata';
import { allText, findInput } from '../support/block-kit';
import { viewProblems } from '../support/block-kit-validator';

const now = new Date('2026-03-12T10:45:00Z');
const hoursAgo = (n: number) => new Date(now.getTime() - n * 3_600_000);

const form = (over: Partial<ReauthForm> = {}): ReauthForm => ({
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
  since: hoursAgo(26),
  cooldown: null,
  ...over,
});

const element = <T>(view: ReturnType<typeof reauthFormView>, blockId: string): T =>
  findInput(view.blocks, blockId)?.element as T;

describe('reauthFormView', () => {
  it('is the "Reauthorization" modal with "Send Update Request" and Cancel', () => {
    const view = reauthFormView(form(), now);
    expect(view.title.text).toBe('Reauthorization');
    expect(view.submit?.text).toBe('Send Update Request');
    expect(view.close?.text).toBe('Cancel');
    expect(view.callback_id).toBe(CallbackId.reauthForm);
    expect(viewProblems(view)).toEqual([]);
  });

  it('says what went wrong and since when', () => {
    const text = allText(reauthFormView(form(), now).blocks);
    expect(text).toContain("Username and password didn't work");
    expect(text).toContain('Since 1 day ago (11 Mar 2026)');
  });

  it('prefills name, email and utility, with an optional note of at most 500 characters', () => {
    const view = reauthFormView(form({ note: 'Thanks!' }), now);
    expect(element<PlainTextInput>(view, BlockId.customerName).initial_value).toBe('Jane Doe');
    const email = element<EmailInput>(view, BlockId.customerEmail);
    expect(email.type).toBe('email_text_input');
    expect(email.initial_value).toBe('jane@example.com');
    expect(element<PlainTextInput>(view, BlockId.utility).initial_value).toBe('PG&E');
    const note = element<PlainTextInput>(view, BlockId.note);
    expect(note).toMatchObject({ multiline: true, max_length: 500, initial_value: 'Thanks!' });
    expect(findInput(view.blocks, BlockId.note)?.optional).toBe(true);
    expect(findInput(view.blocks, BlockId.customerName)?.optional).toBeFalsy();
  });

  it('leaves empty fields without an initial value (no name from the platform)', () => {
    const view = reauthFormView(form({ customerName: null, customerEmail: null }), now);
    expect(element<PlainTextInput>(view, BlockId.customerName).initial_value).toBeUndefined();
    expect(element<EmailInput>(view, BlockId.customerEmail).initial_value).toBeUndefined();
  });

  it.each([null, 'jane at example dot com', '<!channel>@example.com', `${'j'.repeat(250)}@example.com`])(
    'asks for an email, with an empty field and a hint, when the one on file is %j',
    (customerEmail) => {
      const view = reauthFormView(form({ customerEmail }), now);
      expect(element<EmailInput>(view, BlockId.customerEmail).initial_value).toBeUndefined();
      expect(findInput(view.blocks, BlockId.customerEmail)?.hint?.text).toBe(NO_VALID_EMAIL_HINT);
      expect(NO_VALID_EMAIL_HINT).toMatch(/^No valid email on file: enter/);
      expect(viewProblems(view)).toEqual([]);
    },
  );

  it('gives no hint when the email on file is valid', () => {
    expect(findInput(reauthFormView(form(), now).blocks, BlockId.customerEmail)?.hint).toBeUndefined();
  });

  it('clips a stored value longer than the field allows', () => {
    const view = reauthFormView(form({ customerName: 'x'.repeat(300) }), now);
    expect([...(element<PlainTextInput>(view, BlockId.customerName).initial_value ?? '')].length).toBe(100);
  });

  it('asks for "Send anyway" only inside the cooldown', () => {
    expect(findInput(reauthFormView(form(), now).blocks, BlockId.sendAnyway)).toBeUndefined();
    const view = reauthFormView(form({ cooldown: { lastSentAt: hoursAgo(3), lastSentBy: 'U123' } }), now);
    expect(allText(view.blocks)).toContain('Last request sent 3 hours ago by <@U123>');
    const input = findInput(view.blocks, BlockId.sendAnyway);
    // Optional: Slack would refuse an unticked required box with its own words; relink explains the cooldown.
    expect(input?.optional).toBe(true);
    const checkboxes = input?.element as Checkboxes;
    expect(checkboxes.options.map((o) => o.text.text)).toEqual(['Send anyway']);
    expect(checkboxes.initial_options).toBeUndefined();
    expect(viewProblems(view)).toEqual([]);
  });

  it('keeps "Send anyway" checked when coming back from the preview', () => {
    const view = reauthFormView(
      form({ cooldown: { lastSentAt: hoursAgo(3), lastSentBy: 'U123' }, sendAnyway: true }),
      now,
    );
    expect(element<Checkboxes>(view, BlockId.sendAnyway).initial_options).toHaveLength(1);
  });

  it('flags the email field when the last email to that address bounced, keeping it to fix', () => {
    const view = reauthFormView(
      form({ bounced: { sentTo: 'Jane@Example.com', reason: '550 5.1.1 no such user' } }),
      now,
    );
    const input = findInput(view.blocks, BlockId.customerEmail);
    expect(input?.label.text).toBe('Email address: the last email bounced');
    expect(input?.hint?.text).toBe(
      'The last email to this address bounced (550 5.1.1 no such user). Fix the address, or enter another one, then send again.',
    );
    expect(element<EmailInput>(view, BlockId.customerEmail).initial_value).toBe('jane@example.com');
    expect(viewProblems(view)).toEqual([]);
  });

  it('does not flag an address that differs from the one that bounced', () => {
    const view = reauthFormView(form({ bounced: { sentTo: 'jane@exmaple.com', reason: null } }), now);
    expect(findInput(view.blocks, BlockId.customerEmail)?.hint).toBeUndefined();
  });

  it.each([
    ['spamreport', 'marked our email as spam', 'Send anyway: this customer marked our email as spam'],
    ['unsubscribe', 'unsubscribed from our email', 'Send anyway: this customer unsubscribed from our email'],
  ] as const)('warns about a %s and asks for an explicit Send anyway', (reason, words, option) => {
    const view = reauthFormView(form({ suppression: { reason, at: hoursAgo(5) } }), now);
    expect(allText(view.blocks)).toContain(`This customer ${words} 5 hours ago`);
    expect(view.blocks.some((b) => b.block_id === BlockId.suppressionNotice)).toBe(true);
    const box = element<Checkboxes>(view, BlockId.sendAnyway);
    expect(box.options.map((o) => o.text.text)).toEqual([option]);
    expect(box.initial_options).toBeUndefined();
    expect(viewProblems(view)).toEqual([]);
  });

  it('has one Send anyway box for a cooldown and a suppression together, naming the suppression', () => {
    const cooldown = { lastSentAt: hoursAgo(2), lastSentBy: 'U0BOB' };
    const view = reauthFormView(
      form({ cooldown, suppression: { reason: 'spamreport', at: hoursAgo(1) } }),
      now,
    );
    expect(view.blocks.filter((b) => b.block_id === BlockId.sendAnyway)).toHaveLength(1);
    expect(allText(view.blocks)).toContain('Last request sent 2 hours ago');
    expect(element<Checkboxes>(view, BlockId.sendAnyway).options[0]?.text.text).toContain('spam');
    expect(viewProblems(view)).toEqual([]);
  });

  it('carries the authorization and problem in its metadata', () => {
    const view = reauthFormView(form(), now);
    expect(reauthFormMeta.decode(view.private_metadata)).toEqual({
      v: 1,
      authorizationId: 'auth-42',
      problem: { state: 'bad_login', reason: 'invalid_credentials' },
    });
  });
});

describe('reauthLoadingView and reauthUnavailableView', () => {
  it('shows a loading modal without a submit button', () => {
    const view = reauthLoadingView();
    expect(view.submit).toBeUndefined();
    expect(allText(view.blocks)).toContain('Loading…');
    expect(viewProblems(view)).toEqual([]);
  });

  it('says why no request can be sent', () => {
    const view = reauthUnavailableView('This authorization is active again: nothing to ask.');
    expect(view.submit).toBeUndefined();
    expect(view.close?.text).toBe('Close');
    expect(allText(view.blocks)).toContain('This authorization is active again');
    expect(viewProblems(view)).toEqual([]);
  });
});
