import { describe, expect, it } from 'vitest';
import { createSecretBox, maskSecret } from './secret-box';

const key = (id: string, fill: number) => ({ id, key: Buffer.alloc(32, fill) });

describe('secret box', () => {
  const box = createSecretBox([key('k1', 1)]);

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.encrypt('EAAGtoken-1234567890', 'integration:b1');
    expect(sealed).toMatch(/^k1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('EAAGtoken');
    expect(box.decrypt(sealed, 'integration:b1')).toBe('EAAGtoken-1234567890');
    // A fresh IV each time: equal secrets do not give equal ciphertexts.
    expect(box.encrypt('same', 'c')).not.toBe(box.encrypt('same', 'c'));
  });

  it('refuses another context, a tampered ciphertext and an unknown key', () => {
    const sealed = box.encrypt('sk_live_abc', 'payment:b1');
    expect(() => box.decrypt(sealed, 'payment:b2')).toThrow();
    const [id, iv, tag, ct] = sealed.split(':') as [string, string, string, string];
    const flipped = Buffer.from(ct, 'base64');
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(() =>
      box.decrypt([id, iv, tag, flipped.toString('base64')].join(':'), 'payment:b1'),
    ).toThrow();
    expect(() => box.decrypt(`k9:${iv}:${tag}:${ct}`, 'payment:b1')).toThrow(/unknown key/);
    expect(() => box.decrypt('garbage', 'payment:b1')).toThrow(/malformed/);
  });

  it('rotates: the new first key encrypts, old ciphertexts still open', () => {
    const old = box.encrypt('whsec_rotate_me', 'ctx');
    const rotated = createSecretBox([key('k2', 2), key('k1', 1)]);
    expect(rotated.decrypt(old, 'ctx')).toBe('whsec_rotate_me');
    const fresh = rotated.encrypt('whsec_rotate_me', 'ctx');
    expect(rotated.keyIdOf(fresh)).toBe('k2');
    expect(rotated.keyIdOf(old)).toBe('k1');
    expect(() => box.decrypt(fresh, 'ctx')).toThrow(/unknown key/);
  });
});

describe('maskSecret', () => {
  it('shows at most the ends of a long secret', () => {
    expect(maskSecret('EAAGabcdefghijkl9f2c')).toBe('EAAG…9f2c');
    expect(maskSecret('short123')).toBe('…23');
    expect(maskSecret('abc')).toBe('…');
  });
});
