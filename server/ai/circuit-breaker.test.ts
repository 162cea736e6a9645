import { describe, expect, it } from 'vitest';
import { createCircuitBreakers, type BreakerState } from './circuit-breaker';

function setup(failureThreshold = 3, cooldownMs = 1000) {
  let t = 0;
  const transitions: [string, BreakerState, BreakerState][] = [];
  const breakers = createCircuitBreakers({
    failureThreshold,
    cooldownMs,
    now: () => t,
    onTransition: (key, from, to) => transitions.push([key, from, to]),
  });
  return { breakers, transitions, advance: (ms: number) => (t += ms) };
}

describe('circuit breakers', () => {
  it('stays closed below the threshold and forgets failures after a success', () => {
    const { breakers } = setup(3);
    breakers.recordFailure('openai:b1');
    breakers.recordFailure('openai:b1');
    breakers.recordSuccess('openai:b1');
    breakers.recordFailure('openai:b1');
    breakers.recordFailure('openai:b1');
    expect(breakers.state('openai:b1')).toBe('closed');
    expect(breakers.tryAcquire('openai:b1')).toBe(true);
  });

  it('opens after consecutive failures and refuses calls during the cool-down', () => {
    const { breakers, transitions, advance } = setup(3, 1000);
    for (let i = 0; i < 3; i++) breakers.recordFailure('openai:b1');
    expect(breakers.state('openai:b1')).toBe('open');
    expect(transitions).toEqual([['openai:b1', 'closed', 'open']]);
    advance(999);
    expect(breakers.tryAcquire('openai:b1')).toBe(false);
    expect(breakers.openKeys()).toEqual(['openai:b1']);
  });

  it('lets exactly one probe through after the cool-down; success closes it', () => {
    const { breakers, transitions, advance } = setup(1, 1000);
    breakers.recordFailure('k');
    advance(1000);
    expect(breakers.tryAcquire('k')).toBe(true);
    expect(breakers.state('k')).toBe('half_open');
    expect(breakers.tryAcquire('k')).toBe(false);
    breakers.recordSuccess('k');
    expect(breakers.state('k')).toBe('closed');
    expect(breakers.tryAcquire('k')).toBe(true);
    expect(breakers.openKeys()).toEqual([]);
    expect(transitions.map(([, , to]) => to)).toEqual(['open', 'half_open', 'closed']);
  });

  it('reopens for a full cool-down when the probe fails', () => {
    const { breakers, advance } = setup(2, 1000);
    breakers.recordFailure('k');
    breakers.recordFailure('k');
    advance(1500);
    expect(breakers.tryAcquire('k')).toBe(true);
    breakers.recordFailure('k');
    expect(breakers.state('k')).toBe('open');
    advance(999);
    expect(breakers.tryAcquire('k')).toBe(false);
    advance(1);
    expect(breakers.tryAcquire('k')).toBe(true);
  });

  it('allows a new probe when the last one never reported', () => {
    const { breakers, advance } = setup(1, 1000);
    breakers.recordFailure('k');
    advance(1000);
    expect(breakers.tryAcquire('k')).toBe(true);
    advance(500);
    expect(breakers.tryAcquire('k')).toBe(false);
    advance(500);
    expect(breakers.tryAcquire('k')).toBe(true);
  });

  it('keeps keys apart', () => {
    const { breakers } = setup(1);
    breakers.recordFailure('openai:b1');
    expect(breakers.tryAcquire('openai:b1')).toBe(false);
    expect(breakers.tryAcquire('openai:b2')).toBe(true);
    expect(breakers.tryAcquire('groq:b1')).toBe(true);
  });
});
