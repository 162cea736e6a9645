import { describe, expect, it } from 'vitest';
import { moveItem, orderFromRows, rowsFromOrder } from './provider-order';

describe('AI provider order', () => {
  it('moves an item, clamping the target', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a']);
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 1, 99)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 1, -5)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b'], 5, 0)).toEqual(['a', 'b']);
  });

  it('lists every provider once: the saved order on, the rest off', () => {
    const rows = rowsFromOrder(['groq', 'offline']);
    expect(rows).toEqual([
      { provider: 'groq', enabled: true },
      { provider: 'offline', enabled: true },
      { provider: 'openai', enabled: false },
      { provider: 'anthropic', enabled: false },
    ]);
    expect(orderFromRows(moveItem(rows, 1, 0))).toEqual(['offline', 'groq']);
  });
});
