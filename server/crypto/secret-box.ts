import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../config';

/**
 * Secrets at rest (channel tokens, payment keys, webhook secrets, TOTP secrets): AES-256-GCM
 * under the ENCRYPTION_KEYS ring. Stored as `keyId:ivB64:tagB64:ctB64`; the first key of the
 * ring encrypts and any key decrypts, so adding a new key in front rotates without anyone
 * re-entering a secret. `context` is bound as additional authenticated data (e.g.
 * `integration:<businessId>`), so a ciphertext copied into another row or tenant fails to open.
 */
export interface SecretBox {
  encrypt(plaintext: string, context: string): string;
  decrypt(stored: string, context: string): string;
  /** The id of the key that sealed `stored`, for re-encryption after a rotation. */
  keyIdOf(stored: string): string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createSecretBox(keys: readonly EncryptionKey[]): SecretBox {
  const current = keys[0];
  if (!current) throw new Error('createSecretBox: the key ring is empty');
  const byId = new Map(keys.map((k) => [k.id, k.key]));

  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        current.id,
        iv.toString('base64'),
        tag.toString('base64'),
        ct.toString('base64'),
      ].join(':');
    },
    decrypt(stored, context) {
      const [keyId, ivB64, tagB64, ctB64, extra] = stored.split(':');
      if (!keyId || ivB64 === undefined || tagB64 === undefined || ctB64 === undefined || extra) {
        throw new Error('secret-box: malformed ciphertext');
      }
      const key = byId.get(keyId);
      if (!key) throw new Error(`secret-box: unknown key id "${keyId}"`);
      const iv = Buffer.from(ivB64, 'base64');
      const tag = Buffer.from(tagB64, 'base64');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new Error('secret-box: malformed ciphertext');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      // final() throws when the tag does not match: wrong key, wrong context or tampering.
      return Buffer.concat([
        decipher.update(Buffer.from(ctB64, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    },
    keyIdOf(stored) {
      return stored.slice(0, Math.max(0, stored.indexOf(':')));
    },
  };
}

/**
 * The only form in which a secret leaves the server: `EAAG…9f2c`. Short secrets show less, so
 * the visible part never approaches the whole.
 */
export function maskSecret(secret: string): string {
  if (secret.length >= 16) return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
  if (secret.length >= 8) return `…${secret.slice(-2)}`;
  return '…';
}
