import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/store/secret-box';

const newKey = () => randomBytes(32).toString('hex');
const CONTEXT = 'workspace:T0ACME0001:installation';
const TOKEN = 'xoxb-1111-2222-secretsecretsecret';

/** Flips one bit of one base64url part of a sealed value (0: version … 4: ciphertext). */
function tamper(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('the secret box', () => {
  const key = newKey();
  const box = createSecretBox({ key });

  it('opens what it sealed, and the sealed value shows nothing of the plaintext', () => {
    const sealed = box.seal(TOKEN, CONTEXT);
    expect(sealed).not.toContain('xoxb');
    expect(sealed).not.toContain('secret');
    expect(sealed.split('.')).toHaveLength(5);
    expect(box.open(sealed, CONTEXT)).toBe(TOKEN);
    expect(box.open(box.seal('', CONTEXT), CONTEXT)).toBe('');
  });

  it('uses a fresh IV for every value, so equal secrets do not look equal', () => {
    const a = box.seal(TOKEN, CONTEXT);
    const b = box.seal(TOKEN, CONTEXT);
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(Buffer.from(a.split('.')[2] ?? '', 'base64url')).toHaveLength(12);
  });

  it.each([
    ['the IV', 2],
    ['the auth tag', 3],
    ['the ciphertext', 4],
  ])('refuses a value when %s was changed', (_what, part) => {
    const sealed = box.seal(TOKEN, CONTEXT);
    expect(() => box.open(tamper(sealed, part), CONTEXT)).toThrow(
      expect.objectContaining({ code: 'secret_unreadable' }),
    );
  });

  it('refuses a value moved to another record (its context is authenticated)', () => {
    const sealed = box.seal(TOKEN, CONTEXT);
    expect(() => box.open(sealed, 'workspace:T0OTHER001:installation')).toThrow(
      expect.objectContaining({ code: 'secret_unreadable' }),
    );
  });

  it('refuses a truncated value or something that was never sealed, without echoing it', () => {
    const sealed = box.seal(TOKEN, CONTEXT);
    expect(() => box.open(sealed.slice(0, -4), CONTEXT)).toThrow(/cannot be decrypted/);
    let thrown: unknown;
    try {
      box.open(TOKEN, CONTEXT);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({
      code: 'secret_unreadable',
      message: expect.stringMatching(/not a sealed/),
    });
    expect((thrown as Error).message).not.toContain(TOKEN);
  });

  it('refuses a value sealed with a key it does not have (wrong key)', () => {
    const sealed = createSecretBox({ key: newKey() }).seal(TOKEN, CONTEXT);
    expect(() => box.open(sealed, CONTEXT)).toThrow(/neither the current nor the previous/);
  });

  it('reads values of the previous key during a rotation and says they need sealing again', () => {
    const oldKey = newKey();
    const before = createSecretBox({ key: oldKey }).seal(TOKEN, CONTEXT);
    const rotating = createSecretBox({ key, previousKey: oldKey });
    expect(rotating.open(before, CONTEXT)).toBe(TOKEN);
    expect(rotating.isStale(before)).toBe(true);

    const after = rotating.seal(rotating.open(before, CONTEXT), CONTEXT);
    expect(rotating.isStale(after)).toBe(false);
    // Once the previous key is removed, only re-sealed values remain readable.
    expect(box.open(after, CONTEXT)).toBe(TOKEN);
    expect(() => box.open(before, CONTEXT)).toThrow(expect.objectContaining({ code: 'secret_unreadable' }));
  });

  it('refuses a key that is not 32 bytes of hex', () => {
    expect(() => createSecretBox({ key: 'ab'.repeat(16) })).toThrow(/RELINK_ENCRYPTION_KEY must be 32 bytes/);
    expect(() => createSecretBox({ key, previousKey: 'zz'.repeat(32) })).toThrow(
      /RELINK_ENCRYPTION_KEY_PREVIOUS/,
    );
  });
});
