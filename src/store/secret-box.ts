import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { RelinkError } from '../domain/errors';

/**
 * Encrypts secrets before they reach the database (workspace tokens, platform credentials): AES-256-GCM
 * with a random 12-byte IV per value and its 16-byte auth tag, so a changed value is refused rather than
 * decrypted into garbage. A sealed value reads `rk1.<key id>.<iv>.<tag>.<ciphertext>` (base64url):
 * the key id names which key sealed it, so during a rotation values sealed with the previous key are
 * still read, and `isStale` says which to seal again with the current key.
 *
 * Every value is sealed for a `context` (e.g. `workspace:T0123:installation`) that is authenticated
 * with it: a value copied into another document or field does not open there.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** Throws `secret_unreadable` for a changed value, another context, or a key relink does not have. */
  open(sealed: string, context: string): string;
  /** True when `sealed` was sealed with a key other than the current one. */
  isStale(sealed: string): boolean;
}

/** Keys as 64 hex characters (how src/config.ts hands them over). */
export interface SecretBoxKeys {
  key: string;
  previousKey?: string | null;
}

const VERSION = 'rk1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Key {
  id: string;
  bytes: Buffer;
}

function keyFrom(hex: string, variable: string): Key {
  const bytes = Buffer.from(hex, 'hex');
  if (!/^[0-9a-f]{64}$/i.test(hex) || bytes.length !== 32) {
    throw new RelinkError('encryption_key_invalid', `${variable} must be 32 bytes as 64 hex characters`);
  }
  // Derived one way from the key, so the id names a key without revealing anything of it.
  const id = createHmac('sha256', bytes).update('relink secret-box key id').digest().subarray(0, 6);
  return { id: id.toString('base64url'), bytes };
}

const unreadable = (why: string) =>
  new RelinkError(
    'secret_unreadable',
    `a stored secret cannot be decrypted: ${why} (check RELINK_ENCRYPTION_KEY and RELINK_ENCRYPTION_KEY_PREVIOUS)`,
  );

// The version, key id and context are authenticated too: none can be swapped without the tag failing.
const additionalData = (keyId: string, context: string) => Buffer.from(`${VERSION}.${keyId}.${context}`);

export function createSecretBox(keys: SecretBoxKeys): SecretBox {
  const current = keyFrom(keys.key, 'RELINK_ENCRYPTION_KEY');
  const readable = new Map([[current.id, current]]);
  if (keys.previousKey) {
    const previous = keyFrom(keys.previousKey, 'RELINK_ENCRYPTION_KEY_PREVIOUS');
    if (!readable.has(previous.id)) readable.set(previous.id, previous);
  }

  const parse = (sealed: string) => {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw unreadable('it is not a sealed value');
    const [, keyId = '', iv = '', tag = '', data = ''] = parts;
    return {
      keyId,
      iv: Buffer.from(iv, 'base64url'),
      tag: Buffer.from(tag, 'base64url'),
      data: Buffer.from(data, 'base64url'),
    };
  };

  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.bytes, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(current.id, context));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, current.id, iv, cipher.getAuthTag(), data]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },

    open(sealed, context) {
      const { keyId, iv, tag, data } = parse(sealed);
      const key = readable.get(keyId);
      if (!key)
        throw unreadable('it was encrypted with a key that is neither the current nor the previous one');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw unreadable('it is malformed');
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(keyId, context));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
      } catch {
        throw unreadable('it was changed, or belongs to another record');
      }
    },

    isStale: (sealed) => parse(sealed).keyId !== current.id,
  };
}
