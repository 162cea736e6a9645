import { describe, expect, it } from 'vitest';
import type { FeedEntry, ResyncResult } from '../../../shared/realtime.events';
import { createFeedSequencer } from './feed-sequencer';

/** The feed client's ordering contract, on virtual time (docs/style.md rule 9). */

function conv(seq: number, id: string, version: number): FeedEntry {
  const at = '2026-11-26T00:00:00.000Z';
  return {
    event: 'conversation:updated',
    data: {
      seq,
      id,
      channel: 'messenger',
      contact: { id: 'c', name: null, externalId: 'x' },
      state: 'bot',
      path: 'bot.idle',
      assigneeId: null,
      lastMessage: null,
      unread: 0,
      version,
      lastInboundAt: null,
      needsAttention: false,
      createdAt: at,
      updatedAt: at,
    },
  };
}

function status(seq: number): FeedEntry {
  return {
    event: 'message:status',
    data: { seq, conversationId: 'a', messageId: `m${seq}`, status: 'sent', errorCode: null },
  };
}

function harness() {
  const delivered: number[] = [];
  const requests: number[] = [];
  const resets: number[] = [];
  const timers: { fn: () => void; at: number }[] = [];
  let now = 0;
  const sequencer = createFeedSequencer({
    deliver: (e) => delivered.push(e.data.seq),
    requestResync: (since) => requests.push(since),
    onReset: (seq) => resets.push(seq),
    gapGraceMs: 250,
    setTimer: (fn, ms) => {
      const t = { fn, at: now + ms };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((x) => x.at <= now)) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
  };
  return { sequencer, delivered, requests, resets, advance, timers };
}

describe('feed sequencer', () => {
  it('applies in seq order and drops duplicates', () => {
    const h = harness();
    h.sequencer.start(10);
    h.sequencer.receive(status(11));
    h.sequencer.receive(status(12));
    h.sequencer.receive(status(12));
    h.sequencer.receive(status(9));
    expect(h.delivered).toEqual([11, 12]);
    expect(h.sequencer.seq).toBe(12);
  });

  it('keeps entries that overtake the first hello, dropping those it covers', () => {
    const h = harness();
    h.sequencer.receive(status(3));
    h.sequencer.receive(status(4));
    h.sequencer.start(3);
    expect(h.delivered).toEqual([4]);
    expect(h.sequencer.seq).toBe(4);
  });

  it('buffers out-of-order entries within the grace and asks nothing', () => {
    const h = harness();
    h.sequencer.start(0);
    h.sequencer.receive(status(2));
    h.sequencer.receive(status(3));
    h.advance(200);
    h.sequencer.receive(status(1));
    expect(h.delivered).toEqual([1, 2, 3]);
    h.advance(1000);
    expect(h.requests).toEqual([]);
  });

  it('asks for a resync once when a hole outlives the grace, and applies the answer', () => {
    const h = harness();
    h.sequencer.start(0);
    h.sequencer.receive(status(1));
    h.sequencer.receive(status(4));
    h.advance(249);
    expect(h.requests).toEqual([]);
    h.advance(1);
    expect(h.requests).toEqual([1]);
    h.sequencer.receive(status(5));
    h.advance(1000);
    expect(h.requests).toEqual([1]); // one in flight
    const answer: ResyncResult = {
      reset: false,
      entries: [status(2), status(3), status(4), status(5)],
      seq: 5,
    };
    h.sequencer.applyResync(answer);
    expect(h.delivered).toEqual([1, 2, 3, 4, 5]);
    expect(h.sequencer.seq).toBe(5);
  });

  it('treats a higher seq on an ephemeral event as a hole', () => {
    const h = harness();
    h.sequencer.start(7);
    h.sequencer.observeSeq(9);
    h.advance(250);
    expect(h.requests).toEqual([7]);
    h.sequencer.applyResync(null); // failed: asks again after another grace
    h.advance(250);
    expect(h.requests).toEqual([7, 7]);
  });

  it('keeps the highest version per conversation', () => {
    const h = harness();
    h.sequencer.start(0);
    h.sequencer.receive(conv(1, 'a', 3));
    h.sequencer.receive(conv(2, 'a', 2));
    h.sequencer.receive(conv(3, 'a', 3));
    h.sequencer.receive(conv(4, 'b', 1));
    h.sequencer.noteVersion('b', 5);
    h.sequencer.receive(conv(5, 'b', 4));
    h.sequencer.receive(conv(6, 'b', 6));
    expect(h.delivered).toEqual([1, 4, 6]);
    expect(h.sequencer.versionOf('a')).toBe(3);
    expect(h.sequencer.seq).toBe(6);
  });

  it('on reset jumps to the server seq, calls onReset and keeps later live entries', () => {
    const h = harness();
    h.sequencer.start(0);
    h.sequencer.receive(status(5000));
    h.sequencer.receive(status(5002));
    h.advance(250);
    h.sequencer.applyResync({ reset: true, seq: 5001 });
    expect(h.resets).toEqual([5001]);
    expect(h.delivered).toEqual([5002]);
    expect(h.sequencer.seq).toBe(5002);
  });

  it('skips positions a resync answer covers but no longer holds', () => {
    const h = harness();
    h.sequencer.start(0);
    h.sequencer.receive(status(3));
    h.advance(250);
    h.sequencer.applyResync({ reset: false, entries: [status(2)], seq: 3 });
    expect(h.delivered).toEqual([2, 3]);
    expect(h.sequencer.seq).toBe(3);
  });

  it('resyncNow asks at once and only once', () => {
    const h = harness();
    h.sequencer.start(4);
    h.sequencer.resyncNow();
    h.sequencer.resyncNow();
    expect(h.requests).toEqual([4]);
  });
});
