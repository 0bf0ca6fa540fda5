import { z } from 'zod';
import { RelinkError } from '../../src/domain/errors';
import type { ReauthDraft } from '../../src/domain/reauth-draft';
import { BlockId } from '../../src/slack/ids';
import {
  askReauthValue,
  codec,
  FIELD_MESSAGES,
  parseReauthDraft,
  reauthFormMeta,
  reauthPreviewMeta,
  retrySendValue,
  settingsMeta,
} from '../../src/slack/metadata';

const draft: ReauthDraft = {
  customerName: 'Jane Doe',
  customerEmail: 'jane@example.com',
  utility: 'PG&E',
  note: 'Thanks!',
  sendAnyway: false,
};

const stateValues = (fields: {
  name?: string;
  email?: string;
  utility?: string;
  note?: string | null;
  sendAnyway?: boolean;
}) => ({
  customer_name: { customer_name: { type: 'plain_text_input', value: fields.name ?? 'Jane Doe' } },
  customer_email: { customer_email: { type: 'email_text_input', value: fields.email ?? 'jane@example.com' } },
  utility: { utility: { type: 'plain_text_input', value: fields.utility ?? 'PG&E' } },
  note: { note: { type: 'plain_text_input', value: fields.note ?? null } },
  ...(fields.sendAnyway === undefined
    ? {}
    : {
        send_anyway: {
          send_anyway: {
            type: 'checkboxes',
            selected_options: fields.sendAnyway
              ? [{ text: { type: 'plain_text', text: 'Send anyway' }, value: 'send_anyway' }]
              : [],
          },
        },
      }),
});

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof RelinkError ? err.code : `not a RelinkError: ${String(err)}`;
  }
  return undefined;
};

describe('codec', () => {
  const tiny = codec(z.object({ v: z.literal(1), id: z.string() }), 30);

  it('round-trips a value', () => {
    expect(tiny.decode(tiny.encode({ v: 1, id: 'abc' }))).toEqual({ v: 1, id: 'abc' });
  });

  it('refuses to encode past the limit with metadata_too_large', () => {
    expect(codeOf(() => tiny.encode({ v: 1, id: 'x'.repeat(40) }))).toBe('metadata_too_large');
  });

  it.each([
    ['a non-string', 42],
    ['undefined', undefined],
    ['an empty string', ''],
    ['not JSON', '{v:1'],
    ['another version', '{"v":2,"id":"a"}'],
    ['a missing field', '{"v":1}'],
    ['a string past the limit', `{"v":1,"id":"${'x'.repeat(40)}"}`],
  ])('refuses to decode %s with metadata_invalid', (_name, raw) => {
    expect(codeOf(() => tiny.decode(raw))).toBe('metadata_invalid');
  });

  it('keeps values out of error messages', () => {
    const secret = codec(z.object({ email: z.email() }), 3000);
    try {
      secret.decode('{"email":"not-an-email-jane"}');
      throw new Error('expected a failure');
    } catch (err) {
      expect((err as Error).message).not.toContain('jane');
      expect((err as Error).message).toContain('email');
    }
  });
});

describe('typed codecs', () => {
  it('round-trip the button values and modal metadata', () => {
    expect(askReauthValue.decode(askReauthValue.encode({ v: 1, authorizationId: 'auth-1' }))).toEqual({
      v: 1,
      authorizationId: 'auth-1',
    });
    expect(retrySendValue.decode(retrySendValue.encode({ v: 1, requestId: 'req-1' }))).toEqual({
      v: 1,
      requestId: 'req-1',
    });
    const form = {
      v: 1 as const,
      authorizationId: 'auth-1',
      problem: { state: 'bad_login' as const, reason: 'locked' as const },
    };
    expect(reauthFormMeta.decode(reauthFormMeta.encode(form))).toEqual(form);
    const preview = {
      v: 1 as const,
      authorizationId: 'auth-1',
      problem: { state: 'expired' as const, reason: null },
      draft,
    };
    expect(reauthPreviewMeta.decode(reauthPreviewMeta.encode(preview))).toEqual(preview);
  });

  it('still read modals opened before channel and noticeTs were dropped, without them', () => {
    const problem = { state: 'bad_login', reason: 'locked' };
    const notice = { channel: 'C1', noticeTs: '1700000000.000100' };
    const oldForm = JSON.stringify({ v: 1, authorizationId: 'auth-1', problem, ...notice });
    const oldPreview = JSON.stringify({ v: 1, authorizationId: 'auth-1', problem, draft, ...notice });

    expect(reauthFormMeta.decode(oldForm)).toEqual({ v: 1, authorizationId: 'auth-1', problem });
    expect(reauthPreviewMeta.decode(oldPreview)).toEqual({ v: 1, authorizationId: 'auth-1', problem, draft });
  });

  it('have the limits Slack enforces', () => {
    expect(askReauthValue.maxChars).toBe(2000);
    expect(retrySendValue.maxChars).toBe(2000);
    expect(reauthFormMeta.maxChars).toBe(3000);
    expect(reauthPreviewMeta.maxChars).toBe(3000);
  });

  it('fit the worst draft the form allows in the preview metadata', () => {
    const parsed = parseReauthDraft(
      stateValues({
        name: '"'.repeat(100),
        email: `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.example.com`,
        utility: '\\'.repeat(100),
        note: `${'"'.repeat(250)}${'\n\\'.repeat(125)}`,
      }),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const raw = reauthPreviewMeta.encode({
      v: 1,
      authorizationId: 'x'.repeat(200),
      problem: { state: 'bad_login', reason: 'invalid_credentials' },
      draft: parsed.draft,
    });
    expect(raw.length).toBeLessThanOrEqual(3000);
  });

  it('refuses a draft that breaks the field rules when encoding', () => {
    expect(
      codeOf(() =>
        reauthPreviewMeta.encode({
          v: 1,
          authorizationId: 'a',
          problem: { state: 'expired', reason: null },
          draft: { ...draft, customerEmail: 'nope' },
        }),
      ),
    ).toBe('metadata_invalid');
  });
});

describe('parseReauthDraft', () => {
  it('reads the form, trims, and turns an empty note into null', () => {
    expect(
      parseReauthDraft(stateValues({ name: '  Jane Doe ', email: ' jane@example.com ', note: '  ' })),
    ).toEqual({
      ok: true,
      draft: { ...draft, note: null },
    });
  });

  it('reads the Send anyway checkbox', () => {
    const parsed = parseReauthDraft(stateValues({ sendAnyway: true }));
    expect(parsed.ok && parsed.draft.sendAnyway).toBe(true);
    const unchecked = parseReauthDraft(stateValues({ sendAnyway: false }));
    expect(unchecked.ok && unchecked.draft.sendAnyway).toBe(false);
  });

  it('keeps line breaks in the note but drops other control characters', () => {
    const parsed = parseReauthDraft(stateValues({ note: 'Hi\r\nthere\u0000!', name: 'Jane\u0007Doe' }));
    expect(parsed).toMatchObject({ ok: true, draft: { note: 'Hi\nthere!', customerName: 'Jane Doe' } });
  });

  it('strips bidirectional and zero-width characters from the name and utility, as ingest does', () => {
    const parsed = parseReauthDraft(
      stateValues({ name: '\u202EJane\u200B Doe\u2069', utility: 'PG\uFEFF&E\u200F' }),
    );
    expect(parsed).toMatchObject({ ok: true, draft: { customerName: 'Jane Doe', utility: 'PG&E' } });
    expect(parseReauthDraft(stateValues({ name: '\u200B\u202E' }))).toMatchObject({
      ok: false,
      errors: { [BlockId.customerName]: FIELD_MESSAGES.nameMissing },
    });
  });

  it.each([
    'jane@example',
    '<!channel>@example.com',
    'jane doe@example.com',
    `${'j'.repeat(250)}@example.com`,
  ])('refuses %j, an address ingest would not keep either', (email) => {
    expect(parseReauthDraft(stateValues({ email }))).toMatchObject({
      ok: false,
      errors: { [BlockId.customerEmail]: FIELD_MESSAGES.email },
    });
  });

  it('returns the words for each bad field, keyed by block id', () => {
    const parsed = parseReauthDraft(
      stateValues({ name: '   ', email: 'jane@', utility: '', note: 'x'.repeat(501) }),
    );
    expect(parsed).toEqual({
      ok: false,
      errors: {
        [BlockId.customerName]: "Enter the customer's name",
        [BlockId.customerEmail]: 'Enter a valid email address, like jane@example.com',
        [BlockId.utility]: FIELD_MESSAGES.utilityMissing,
        [BlockId.note]: 'Keep the note under 500 characters',
      },
    });
  });

  it('counts characters as people do: 500 emoji is a note of 500', () => {
    expect(parseReauthDraft(stateValues({ note: '👍'.repeat(500) })).ok).toBe(true);
    expect(parseReauthDraft(stateValues({ note: '👍'.repeat(501) })).ok).toBe(false);
  });

  it('limits the name and utility to 100 characters', () => {
    expect(parseReauthDraft(stateValues({ name: 'x'.repeat(101), utility: 'y'.repeat(101) }))).toEqual({
      ok: false,
      errors: {
        [BlockId.customerName]: FIELD_MESSAGES.nameTooLong,
        [BlockId.utility]: FIELD_MESSAGES.utilityTooLong,
      },
    });
    expect(parseReauthDraft(stateValues({ name: 'x'.repeat(100), utility: 'y'.repeat(100) })).ok).toBe(true);
  });

  it('treats a payload of the wrong shape as an empty form', () => {
    const parsed = parseReauthDraft('garbage');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && Object.keys(parsed.errors).sort()).toEqual(
      [BlockId.customerEmail, BlockId.customerName, BlockId.utility].sort(),
    );
  });
});

describe('settingsMeta', () => {
  it('round-trips the workspace the Settings modal was opened for, and nothing else', () => {
    const raw = settingsMeta.encode({ v: 1, workspaceId: 'T0RELINK01' });
    expect(settingsMeta.decode(raw)).toEqual({ v: 1, workspaceId: 'T0RELINK01' });
    expect(settingsMeta.decode(JSON.stringify({ v: 1, workspaceId: 'single', alertChannel: 'C1' }))).toEqual({
      v: 1,
      workspaceId: 'single',
    });
  });

  it.each([
    ['another version', JSON.stringify({ v: 2, workspaceId: 'T0RELINK01' })],
    ['no workspace', JSON.stringify({ v: 1 })],
    ['an empty workspace', JSON.stringify({ v: 1, workspaceId: '' })],
    ['not JSON', 'workspace=T0RELINK01'],
  ])('refuses %s', (_name, raw) => {
    expect(() => settingsMeta.decode(raw)).toThrow(RelinkError);
  });
});
