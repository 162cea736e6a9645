import { describe, expect, it } from 'vitest';
import { EVENT_SOURCES } from './domain';
import { INBOX_EVENT_SOURCES, inboxEventSchema, mayComeFrom } from './inbox.events';

const stamp = { eventId: '7', at: 1_700_000_000_000 };

describe('inbox events', () => {
  it('parses machine and projection-only events with one schema', () => {
    const status = inboxEventSchema.parse({
      type: 'message.status',
      ...stamp,
      status: 'read',
      watermark: 5,
    });
    expect(status).toMatchObject({ type: 'message.status', providerMessageIds: [], watermark: 5 });
    const claim = inboxEventSchema.parse({ type: 'agent.claimed', ...stamp, agentId: 'u1' });
    expect(claim.type).toBe('agent.claimed');
  });

  it('refuses a projection event that lacks what its projector needs', () => {
    expect(
      inboxEventSchema.safeParse({ type: 'message.reaction', ...stamp, action: 'react' }).success,
    ).toBe(false);
    expect(
      inboxEventSchema.safeParse({ type: 'message.status', ...stamp, status: 'seen' }).success,
    ).toBe(false);
  });

  it('ties every event to the sources that may write it', () => {
    expect(mayComeFrom('customer.message', 'meta')).toBe(true);
    expect(mayComeFrom('customer.message', 'agent')).toBe(false);
    expect(mayComeFrom('payment.succeeded', 'stripe')).toBe(true);
    expect(mayComeFrom('payment.succeeded', 'system')).toBe(false);
    expect(mayComeFrom('no.such.event', 'system')).toBe(false);
    for (const sources of Object.values(INBOX_EVENT_SOURCES)) {
      expect(sources.length).toBeGreaterThan(0);
      for (const s of sources) expect(EVENT_SOURCES).toContain(s);
    }
  });
});
