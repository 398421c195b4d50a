import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../lib/errors.js';

/**
 * Secrets at rest (webhook signing secrets, Slack tokens and signing secrets): AES-256-GCM
 * with a key derived by HKDF-SHA256 from the configured master key (ESCALON_SECRET_KEY), so
 * the master key itself never encrypts anything and other purposes can derive their own keys.
 *
 * Format: `v1:<iv>:<tag>:<ciphertext>`, each part base64url. The optional `context` (e.g.
 * `integrations.42.secret`) is bound as additional authenticated data: a sealed value copied
 * into another row or column does not open there.
 */
export interface SecretBox {
  seal(plaintext: string, context?: string): string;
  /** Throws AppError('internal') when the value was tampered with or sealed under another key. */
  open(sealed: string, context?: string): string;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = 'escalon';
const HKDF_INFO = 'escalon/secret-box/v1';

export const isSealed = (value: string): boolean => /^v1:[\w-]+:[\w-]+:[\w-]*$/.test(value);

export const createSecretBox = (masterKey: string): SecretBox => {
  if (masterKey.length === 0) throw new AppError('internal', 'The secret-box master key is empty.');
  const key = Buffer.from(hkdfSync('sha256', masterKey, HKDF_SALT, HKDF_INFO, 32));

  const cannotOpen = (reason: string, cause?: unknown): AppError =>
    new AppError(
      'internal',
      'A stored secret could not be decrypted: it was altered, or sealed with a different ESCALON_SECRET_KEY.',
      { reason },
      cause === undefined ? undefined : { cause },
    );

  return {
    seal(plaintext, context = '') {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), ct]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join(':');
    },

    open(sealed, context = '') {
      const parts = sealed.split(':');
      if (parts.length !== 4 || parts[0] !== VERSION) throw cannotOpen('format');
      const [iv, tag, ct] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
      if (!iv || !tag || !ct || iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
        throw cannotOpen('format');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
      } catch (err) {
        throw cannotOpen('authentication', err);
      }
    },
  };
};
