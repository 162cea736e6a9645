import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../shared/conversation.events';
import { startConversation, stepConversation, type StepResult } from './conversation.step';

let seq = 0;
const stamp = () => ({ eventId: String(++seq), at: 1_700_000_000_000 + seq });
const customer = (text = 'hi'): ConversationEvent => ({
  type: 'customer.message',
  ...stamp(),
  messageId: `m${seq}`,
  text,
  attachments: [],
});
const aiReply = (
  requestId: string,
  text: string,
  actions: Extract<ConversationEvent, { type: 'ai.replied' }>['actions'] = [],
): ConversationEvent => ({
  type: 'ai.replied',
  ...stamp(),
  requestId,
  text,
  actions,
});
const checkoutCreated = (orderId = 'o1'): ConversationEvent => ({
  type: 'checkout.created',
  ...stamp(),
  orderId,
  provider: 'stripe',
  reference: `cs_${orderId}`,
  url: `https://pay.example/${orderId}`,
  amountMinor: 2400,
  currency: 'USD',
});
const paid = (
  orderId = 'o1',
  over: Partial<{ amountMinor: number; currency: string; reference: string }> = {},
): ConversationEvent => ({
  type: 'payment.succeeded',
  ...stamp(),
  orderId,
  reference: `cs_${orderId}`,
  provider: 'stripe',
  amountMinor: 2400,
  currency: 'USD',
  ...over,
});
const agent = (
  type: 'agent.claimed' | 'agent.released' | 'agent.closed',
  agentId: string,
): ConversationEvent => ({ type, ...stamp(), agentId });

function run(...events: ConversationEvent[]): StepResult {
  let result = startConversation({ conversationId: 'c1', businessId: 'b1', channel: 'whatsapp' });
  for (const e of events) result = stepConversation(result.snapshot, e);
  return result;
}
const step = (r: StepResult, e: ConversationEvent | { type: string }) =>
  stepConversation(r.snapshot, e);

describe('conversation machine', () => {
  it('starts with the bot, idle, and nothing to do', () => {
    const start = startConversation({
      conversationId: 'c1',
      businessId: 'b1',
      channel: 'instagram',
    });
    expect(start.path).toBe('bot.idle');
    expect(start.effects).toEqual([]);
  });

  it('asks the AI on a customer message and says its reply', () => {
    const asked = run(customer('hello'));
    expect(asked.path).toBe('bot.thinking');
    const requestId = asked.snapshot.context.aiRequest!;
    expect(asked.effects).toEqual([{ type: 'requestAiReply', params: { requestId } }]);

    const replied = step(asked, aiReply(requestId, 'Hi! How can I help?'));
    expect(replied.path).toBe('bot.idle');
    expect(replied.effects).toEqual([
      { type: 'sendMessage', params: { author: 'bot', text: 'Hi! How can I help?' } },
    ]);
  });

  it('discards a reply to a superseded or unknown request', () => {
    const first = run(customer('a'));
    const firstRequest = first.snapshot.context.aiRequest!;
    const second = step(first, customer('b'));
    expect(second.snapshot.context.aiRequest).not.toBe(firstRequest);
    const stale = step(second, aiReply(firstRequest, 'old answer'));
    expect(stale.changed).toBe(false);
    expect(stale.effects).toEqual([]);
  });

  it('hands off when the AI asks, and a reply arriving after a claim is discarded', () => {
    const asked = run(customer('I want a human'));
    const req = asked.snapshot.context.aiRequest!;
    const handed = step(
      asked,
      aiReply(req, 'Connecting you.', [{ type: 'handoff', reason: 'customer asked' }]),
    );
    expect(handed.state).toBe('handoff');
    expect(handed.path).toBe('handoff.queued');
    expect(handed.effects.map((e) => e.type)).toEqual(['sendMessage', 'notifyTeam']);
    expect(handed.armTimers).toEqual([expect.objectContaining({ delayMs: 15 * 60 * 1000 })]);

    const claimed = step(handed, agent('agent.claimed', 'u1'));
    expect(claimed.path).toBe('handoff.assigned');
    expect(claimed.cancelTimers).toEqual([handed.armTimers[0]!.id]);
    expect(step(claimed, aiReply(req, 'late')).changed).toBe(false);
    expect(step(claimed, customer('still there?')).effects).toEqual([]);
  });

  it('falls back to a human when the AI fails', () => {
    const asked = run(customer());
    const failed = step(asked, {
      type: 'ai.failed',
      ...stamp(),
      requestId: asked.snapshot.context.aiRequest!,
      reason: 'all providers down',
    });
    expect(failed.path).toBe('handoff.queued');
    expect(failed.effects[0]).toEqual({
      type: 'sendMessage',
      params: { author: 'bot', template: 'ai_fallback' },
    });
    expect(failed.snapshot.context.handoffReason).toBe('ai_unavailable');
  });

  it('lets only one agent claim, and only the assignee reply, release or close', () => {
    const asked = run(customer());
    const queued = step(
      asked,
      aiReply(asked.snapshot.context.aiRequest!, '', [{ type: 'handoff', reason: 'x' }]),
    );
    const claimed = step(queued, agent('agent.claimed', 'u1'));
    expect(step(claimed, agent('agent.claimed', 'u2')).changed).toBe(false);
    expect(
      step(claimed, { type: 'agent.replied', ...stamp(), agentId: 'u2', text: 'hi' }).changed,
    ).toBe(false);
    expect(step(claimed, agent('agent.released', 'u2')).changed).toBe(false);
    expect(step(claimed, agent('agent.closed', 'u2')).changed).toBe(false);

    const reply = step(claimed, {
      type: 'agent.replied',
      ...stamp(),
      agentId: 'u1',
      text: 'Hello, Ada here',
    });
    expect(reply.effects).toEqual([
      { type: 'sendMessage', params: { author: 'agent', text: 'Hello, Ada here', agentId: 'u1' } },
    ]);
    const released = step(claimed, agent('agent.released', 'u1'));
    expect(released.path).toBe('bot.idle');
    expect(released.snapshot.context.assigneeId).toBeNull();
    expect(step(claimed, agent('agent.closed', 'u1')).state).toBe('closed');
  });

  it('cannot claim a conversation that is not queued', () => {
    expect(
      run(customer()).snapshot && step(run(customer()), agent('agent.claimed', 'u1')).changed,
    ).toBe(false);
  });

  it('flags a handoff that waits too long', () => {
    const asked = run(customer());
    const queued = step(
      asked,
      aiReply(asked.snapshot.context.aiRequest!, '', [{ type: 'handoff', reason: 'x' }]),
    );
    const overdue = step(queued, queued.armTimers[0]!.event);
    expect(overdue.path).toBe('handoff.overdue');
    expect(overdue.effects.map((e) => e.type)).toEqual(['notifyTeam', 'sendMessage']);
    expect(step(overdue, agent('agent.claimed', 'u1')).path).toBe('handoff.assigned');
  });

  it('goes through checkout to paid only on the matching payment', () => {
    const asked = run(customer('2 mugs please'));
    const wants = step(
      asked,
      aiReply(asked.snapshot.context.aiRequest!, 'Great choice!', [
        { type: 'checkout', items: [{ sku: 'MUG', qty: 2 }] },
      ]),
    );
    expect(wants.effects.map((e) => e.type)).toEqual(['sendMessage', 'createCheckout']);
    expect(wants.state).toBe('bot');

    const checkout = step(wants, checkoutCreated());
    expect(checkout.state).toBe('checkout');
    expect(checkout.effects).toEqual([
      {
        type: 'sendMessage',
        params: {
          author: 'bot',
          template: 'checkout_link',
          vars: { url: 'https://pay.example/o1', amount: '24.00 USD' },
        },
      },
    ]);
    expect(checkout.armTimers).toEqual([expect.objectContaining({ delayMs: 24 * 60 * 60 * 1000 })]);

    for (const wrong of [
      paid('o1', { amountMinor: 2300 }),
      paid('o1', { currency: 'EUR' }),
      paid('o1', { reference: 'cs_other' }),
      paid('o2'),
    ]) {
      expect(step(checkout, wrong).state).toBe('checkout');
    }
    const done = step(checkout, paid('o1', { currency: 'usd' }));
    expect(done.state).toBe('paid');
    expect(done.effects).toEqual([
      {
        type: 'fulfilOrder',
        params: {
          orderId: 'o1',
          reference: 'cs_o1',
          provider: 'stripe',
          amountMinor: 2400,
          currency: 'USD',
          silent: false,
        },
      },
    ]);
    expect(done.cancelTimers).toEqual([checkout.armTimers[0]!.id]);
    expect(done.snapshot.context.checkout).toBeNull();
  });

  it('accepts a payment that arrives before its checkout', () => {
    const early = run(customer(), paid('o1'));
    expect(early.state).toBe('bot');
    const done = step(early, checkoutCreated('o1'));
    expect(done.state).toBe('paid');
    expect(done.effects.map((e) => e.type)).toEqual(['fulfilOrder']);
    expect(done.snapshot.context.earlyPayments).toEqual([]);
  });

  it('returns to the bot when the link expires or the payment fails', () => {
    const checkout = run(checkoutCreated());
    const expired = step(checkout, checkout.armTimers[0]!.event);
    expect(expired.path).toBe('bot.idle');
    expect(expired.effects).toEqual([
      { type: 'expireCheckout', params: { orderId: 'o1' } },
      { type: 'sendMessage', params: { author: 'bot', template: 'checkout_expired' } },
    ]);
    const failed = step(checkout, {
      type: 'payment.failed',
      ...stamp(),
      orderId: 'o1',
      reference: 'cs_o1',
      reason: 'card declined',
    });
    expect(failed.path).toBe('bot.idle');
    expect(failed.effects).toEqual([
      { type: 'sendMessage', params: { author: 'bot', template: 'payment_failed' } },
    ]);
  });

  it('keeps answering questions during checkout and allows one checkout at a time', () => {
    const checkout = run(checkoutCreated());
    const asked = step(checkout, customer('does it ship to Lagos?'));
    expect(asked.state).toBe('checkout');
    const answered = step(
      asked,
      aiReply(asked.snapshot.context.aiRequest!, 'Yes!', [
        { type: 'checkout', items: [{ sku: 'X', qty: 1 }] },
      ]),
    );
    expect(answered.effects).toEqual([
      { type: 'sendMessage', params: { author: 'bot', text: 'Yes!' } },
    ]);
    // A second checkout (two agents at once, say) is not sent; it is cancelled, its link voided.
    const second = step(answered, checkoutCreated('o2'));
    expect(second.state).toBe('checkout');
    expect(second.snapshot.context.checkout?.orderId).toBe('o1');
    expect(second.effects).toEqual([{ type: 'cancelCheckout', params: { orderId: 'o2' } }]);
    // The open one presented again (a retried job) changes nothing.
    expect(step(answered, checkoutCreated('o1')).changed).toBe(false);
  });

  it('fulfils an earlier order paid late while another checkout is open, keeping that one', () => {
    const open = run(checkoutCreated('o2'), paid('o1'));
    expect(open.snapshot.context.earlyPayments).toHaveLength(1);
    const late = step(open, checkoutCreated('o1'));
    expect(late.state).toBe('checkout');
    expect(late.snapshot.context.checkout?.orderId).toBe('o2');
    expect(late.snapshot.context.earlyPayments).toEqual([]);
    expect(late.effects).toEqual([
      {
        type: 'fulfilOrder',
        params: expect.objectContaining({ orderId: 'o1', silent: false }) as unknown,
      },
    ]);
  });

  it('sends nothing to a contact who withdrew consent, but records a payment', () => {
    const checkout = run(checkoutCreated());
    const out = step(checkout, { type: 'consent.withdrawn', ...stamp() });
    expect(out.state).toBe('optedOut');
    expect(out.cancelTimers).toHaveLength(1);
    expect(step(out, customer('hello?')).effects).toEqual([]);
    expect(step(out, agent('agent.closed', 'u1')).changed).toBe(false);
    const payment = step(out, paid('o1'));
    expect(payment.state).toBe('optedOut');
    expect(payment.effects).toEqual([
      expect.objectContaining({
        type: 'fulfilOrder',
        params: expect.objectContaining({ silent: true }),
      }),
    ]);
    // A checkout made as consent was withdrawn is never sent: cancelled.
    expect(step(out, checkoutCreated('o2')).effects).toEqual([
      { type: 'cancelCheckout', params: { orderId: 'o2' } },
    ]);
    const back = step(out, { type: 'consent.granted', ...stamp() });
    expect(back.path).toBe('bot.idle');
  });

  it('wakes the bot again when a customer writes after paid or closed', () => {
    const closed = run(customer(), agent('agent.closed', 'u1'));
    expect(closed.state).toBe('closed');
    expect(step(closed, customer()).path).toBe('bot.thinking');
  });

  it('turns AI invoice and order-status actions into effects for the last order', () => {
    const done = run(checkoutCreated(), paid('o1'), customer('send my invoice'));
    const r = step(
      done,
      aiReply(done.snapshot.context.aiRequest!, 'Here you go', [
        { type: 'invoice' },
        { type: 'order_status' },
      ]),
    );
    expect(r.effects.map((e) => [e.type, 'orderId' in e.params ? e.params.orderId : null])).toEqual(
      [
        ['sendMessage', null],
        ['issueInvoice', 'o1'],
        ['reportOrderStatus', 'o1'],
      ],
    );
  });

  it('ignores unknown events', () => {
    expect(step(run(customer()), { type: 'something.else' }).changed).toBe(false);
  });
});
