import { describe, expect, it } from 'vitest';
import { statePath, topLevel, topLevelOf } from './state-path';

describe('state path', () => {
  it('names nested states with dots and their top level', () => {
    expect(statePath('bot')).toBe('bot');
    expect(statePath({ handoff: 'queued' })).toBe('handoff.queued');
    expect(statePath({ checkout: { awaiting: 'link' } })).toBe('checkout.awaiting.link');
    expect(topLevel({ handoff: 'assigned' })).toBe('handoff');
    expect(topLevelOf('checkout.awaiting.link')).toBe('checkout');
  });

  it('is empty for a value that is not a state (a snapshot not yet written)', () => {
    expect(statePath(null)).toBe('');
    expect(statePath(undefined)).toBe('');
    expect(statePath({})).toBe('');
    expect(statePath(42)).toBe('');
  });
});
