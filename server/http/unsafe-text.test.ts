import { describe, expect, it } from 'vitest';
import { cleanUnsafeText, findUnsafeText, hasUnsafeText } from './unsafe-text';

describe('text PostgreSQL cannot store', () => {
  it('finds NUL and unpaired surrogates, and leaves real Unicode alone', () => {
    expect(hasUnsafeText('a\u0000b')).toBe(true);
    expect(hasUnsafeText('\ud800')).toBe(true);
    expect(hasUnsafeText('x\udc00y')).toBe(true);
    expect(hasUnsafeText('\udc00\ud800')).toBe(true);
    expect(hasUnsafeText('Bonjour 👋 Zoë 中文')).toBe(false);
    expect(hasUnsafeText('\ud83d\udc4b')).toBe(false);
  });

  it('names the first field that holds it, keys included', () => {
    expect(findUnsafeText({ a: 'ok', items: [{ name: 'bad\u0000' }] })).toEqual([
      'items',
      '0',
      'name',
    ]);
    expect(findUnsafeText({ ['k\ud800']: 1 })).toEqual(['k\ud800']);
    expect(findUnsafeText({ a: ['fine', 1, null, true] })).toBeNull();
  });

  it('replaces it with U+FFFD in a copy, counting what changed', () => {
    const input = { text: 'hi\u0000there', list: ['\ud800', 'ok', '👋'] };
    const { value, cleaned } = cleanUnsafeText(input);
    expect(value).toEqual({ text: 'hi\uFFFDthere', list: ['\uFFFD', 'ok', '👋'] });
    expect(cleaned).toBe(2);
    expect(input.text).toBe('hi\u0000there');
  });
});
