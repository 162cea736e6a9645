import { describe, expect, it } from 'vitest';
import { keyToCommand, moveCursor } from './list-keys';

describe('inbox keyboard', () => {
  it('maps keys to commands, ignoring letters while typing', () => {
    expect(keyToCommand({ key: 'j', inField: false })).toBe('next');
    expect(keyToCommand({ key: 'ArrowDown', inField: false })).toBe('next');
    expect(keyToCommand({ key: 'k', inField: false })).toBe('prev');
    expect(keyToCommand({ key: 'Enter', inField: false })).toBe('open');
    expect(keyToCommand({ key: 'c', inField: false })).toBe('claim');
    expect(keyToCommand({ key: 'r', inField: false })).toBe('reply');
    expect(keyToCommand({ key: 'Escape', inField: false })).toBe('back');
    expect(keyToCommand({ key: 'Escape', inField: true })).toBe('back');
    expect(keyToCommand({ key: 'j', inField: true })).toBeNull();
    expect(keyToCommand({ key: 'c', inField: false, ctrlKey: true })).toBeNull();
    expect(keyToCommand({ key: 'x', inField: false })).toBeNull();
  });

  it('moves the active row within bounds, by id', () => {
    const order = ['a', 'b', 'c'];
    expect(moveCursor(order, null, 'next')).toBe('a');
    expect(moveCursor(order, 'a', 'next')).toBe('b');
    expect(moveCursor(order, 'c', 'next')).toBe('c');
    expect(moveCursor(order, 'a', 'prev')).toBe('a');
    expect(moveCursor(order, 'b', 'last')).toBe('c');
    expect(moveCursor(order, 'c', 'first')).toBe('a');
    expect(moveCursor(order, 'a', 'pageDown')).toBe('c');
    expect(moveCursor(order, 'gone', 'next')).toBe('a');
    expect(moveCursor([], 'a', 'next')).toBeNull();
    expect(moveCursor(order, 'b', 'open')).toBe('b');
  });
});
