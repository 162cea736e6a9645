import { describe, expect, it } from 'vitest';
import type { ConversationDetail, Message } from '../../../shared/conversations.schema';
import {
  applyStatus,
  describeTransition,
  lastSeq,
  mergeItem,
  mergeMessages,
  timelineRows,
} from './conversation-detail';

function message(id: string, seq: number, over: Partial<Message> = {}): Message {
  return {
    id,
    conversationId: 'conv',
    direction: 'in',
    author: 'customer',
    authorUserId: null,
    text: `text ${id}`,
    attachments: [],
    status: 'received',
    errorCode: null,
    seq,
    createdAt: `2026-11-01T10:0${seq}:00.000Z`,
    ...over,
  };
}

const detail = (over: Partial<ConversationDetail> = {}): ConversationDetail => ({
  id: 'conv',
  channel: 'instagram',
  contact: { id: 'c', name: 'Ada', externalId: 'ig-1' },
  state: 'handoff',
  path: 'handoff.queued',
  assigneeId: null,
  lastMessage: null,
  unread: 1,
  version: 3,
  lastInboundAt: '2026-11-01T10:01:00.000Z',
  needsAttention: false,
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:01:00.000Z',
  messages: [message('a', 1)],
  orders: [],
  timeline: [],
  ...over,
});

describe('the open conversation', () => {
  it('adopts newer items only', () => {
    const d = detail();
    expect(mergeItem(d, { ...d, version: 2, state: 'bot' })).toBe(d);
    const next = mergeItem(d, { ...d, version: 4, state: 'checkout', assigneeId: 'u' });
    expect(next).toMatchObject({ state: 'checkout', assigneeId: 'u', version: 4 });
    expect(next.messages).toBe(d.messages);
  });

  it('adds messages once, in seq order, and moves the reply window on inbound ones', () => {
    let d = detail();
    d = mergeMessages(d, [message('c', 3), message('b', 2, { direction: 'out', author: 'bot' })]);
    expect(d.messages.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(d.lastInboundAt).toBe('2026-11-01T10:03:00.000Z');
    expect(mergeMessages(d, [message('c', 3)])).toBe(d);
    expect(mergeMessages(d, [message('z', 9, { conversationId: 'other' })])).toBe(d);
    expect(lastSeq(d)).toBe(3);
  });

  it('never moves a delivery status back', () => {
    let d = detail({ messages: [message('a', 1, { direction: 'out', status: 'sent' })] });
    d = applyStatus(d, 'a', 'read', null);
    expect(d.messages[0]?.status).toBe('read');
    expect(applyStatus(d, 'a', 'delivered', null)).toBe(d);
    d = applyStatus(d, 'a', 'failed', '131047');
    expect(d.messages[0]).toMatchObject({ status: 'failed', errorCode: '131047' });
  });

  it('puts state transitions between the messages', () => {
    const d = detail({
      messages: [message('a', 1), message('b', 3)],
      timeline: [
        {
          version: 2,
          type: 'handoff',
          from: 'bot.idle',
          to: 'handoff.queued',
          at: '2026-11-01T10:02:00.000Z',
        },
        { version: 1, type: 'noop', from: 'bot', to: 'bot', at: '2026-11-01T10:02:00.000Z' },
      ],
    });
    const rows = timelineRows(d);
    expect(rows.map((r) => r.key)).toEqual(['m-a', 't-2-2026-11-01T10:02:00.000Z', 'm-b']);
  });

  it('describes transitions in words', () => {
    const t = (from: string | null, to: string) =>
      describeTransition({ version: 1, type: 'x', from, to, at: '' });
    expect(t('bot.thinking', 'handoff.queued')).toBe('Handed to a person');
    expect(t('handoff.assigned', 'bot.idle')).toBe('Handed back to the bot');
    expect(t('bot', 'checkout.awaiting')).toBe('Payment link sent');
    expect(t('checkout', 'paid')).toBe('Payment verified');
    expect(t('handoff', 'closed')).toBe('Conversation closed');
    expect(t('handoff.queued', 'handoff.assigned')).toBe('Claimed by an agent');
    expect(t('handoff.assigned', 'handoff.queued')).toBe('Back in the queue');
  });

  it("leaves the bot's own idle/replying moves out of the timeline", () => {
    const d = detail({
      messages: [message('a', 1)],
      timeline: [
        {
          version: 1,
          type: 'customer.message',
          from: 'bot.idle',
          to: 'bot.thinking',
          at: '2026-11-01T10:01:30.000Z',
        },
        {
          version: 2,
          type: 'ai.replied',
          from: 'bot.thinking',
          to: 'handoff.queued',
          at: '2026-11-01T10:02:00.000Z',
        },
      ],
    });
    expect(timelineRows(d).map((r) => r.key)).toEqual(['m-a', 't-2-2026-11-01T10:02:00.000Z']);
  });
});
