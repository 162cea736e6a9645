import { describe, expect, it } from 'vitest';
import type { ConversationItem } from '../../../shared/conversations.schema';
import {
  addPage,
  emptyList,
  filterQuery,
  matchesFilter,
  patch,
  upsert,
  type InboxFilter,
} from './conversation-store';

const ME = 'user-me';

function item(id: string, over: Partial<ConversationItem> = {}): ConversationItem {
  return {
    id,
    channel: 'whatsapp',
    contact: { id: `c-${id}`, name: `Customer ${id}`, externalId: `x-${id}` },
    state: 'handoff',
    path: 'handoff.queued',
    assigneeId: null,
    lastMessage: null,
    unread: 0,
    version: 1,
    lastInboundAt: null,
    needsAttention: false,
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    ...over,
  };
}

const at = (minute: number) => `2026-11-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
const all = () => true;

describe('the inbox list store', () => {
  it('orders newest activity first and re-sorts when a row is updated', () => {
    let s = addPage(
      emptyList(),
      [
        item('a', { updatedAt: at(1) }),
        item('b', { updatedAt: at(3) }),
        item('c', { updatedAt: at(2) }),
      ],
      all,
    );
    expect(s.order).toEqual(['b', 'c', 'a']);
    s = upsert(s, item('a', { updatedAt: at(5), version: 2 }), all);
    expect(s.order).toEqual(['a', 'b', 'c']);
    s = upsert(s, item('d', { updatedAt: at(4) }), all);
    expect(s.order).toEqual(['a', 'd', 'b', 'c']);
  });

  it('keeps the highest version: a late or replayed event never rolls a row back', () => {
    let s = upsert(emptyList(), item('a', { version: 5, unread: 3 }), all);
    const before = s;
    s = upsert(s, item('a', { version: 4, unread: 9 }), all);
    expect(s).toBe(before);
    s = upsert(s, item('a', { version: 5, unread: 9 }), all);
    expect(s).toBe(before);
    expect(s.byId.get('a')?.unread).toBe(3);
    // A page fetched before the event arrived does not undo it either.
    s = addPage(s, [item('a', { version: 3, unread: 0 })], all);
    expect(s.byId.get('a')?.version).toBe(5);
  });

  it('moves a conversation between views as its state changes', () => {
    const handoff: InboxFilter = { view: 'handoff' };
    const belongs = (i: ConversationItem) => matchesFilter(i, handoff, ME);
    let s = addPage(emptyList(), [item('a'), item('b', { updatedAt: at(1) })], belongs);
    expect(s.order).toEqual(['b', 'a']);
    s = upsert(s, item('a', { state: 'checkout', version: 2, updatedAt: at(9) }), belongs);
    expect(s.order).toEqual(['b']);
    // Its older version arriving late must not bring it back.
    s = upsert(s, item('a', { state: 'handoff', version: 1 }), belongs);
    expect(s.order).toEqual(['b']);
    s = upsert(s, item('a', { state: 'handoff', version: 3, updatedAt: at(10) }), belongs);
    expect(s.order).toEqual(['a', 'b']);
  });

  it('ignores updates of conversations outside the view', () => {
    const belongs = (i: ConversationItem) => matchesFilter(i, { view: 'paid' }, ME);
    const s = upsert(emptyList(), item('a', { state: 'bot' }), belongs);
    expect(s.order).toEqual([]);
    expect(s.versions.get('a')).toBe(1);
  });

  it('patches a row in place without changing its version or place', () => {
    let s = addPage(emptyList(), [item('a', { unread: 4, version: 2 })], all);
    s = patch(s, 'a', (i) => ({ ...i, unread: 0 }));
    expect(s.byId.get('a')).toMatchObject({ unread: 0, version: 2 });
    expect(patch(s, 'missing', (i) => i)).toBe(s);
  });

  it('stays fast with tens of thousands of rows', () => {
    const items = Array.from({ length: 30_000 }, (_, n) =>
      item(`id-${n}`, { updatedAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString() }),
    );
    let s = addPage(emptyList(), items, all);
    const started = performance.now();
    for (let n = 0; n < 200; n++) {
      s = upsert(
        s,
        item(`id-${n * 7}`, {
          version: 2 + n,
          updatedAt: new Date(Date.UTC(2026, 1, 1) + n * 1000).toISOString(),
        }),
        all,
      );
    }
    expect(performance.now() - started).toBeLessThan(2000);
    expect(s.order[0]).toBe(`id-${199 * 7}`);
    expect(s.order).toHaveLength(30_000);
  });
});

describe('view membership', () => {
  it('maps each view to the server query', () => {
    expect(filterQuery({ view: 'all' })).toEqual({});
    expect(filterQuery({ view: 'bot', channel: 'instagram' })).toEqual({
      state: 'bot',
      channel: 'instagram',
    });
    expect(filterQuery({ view: 'mine', assignee: 'none' })).toEqual({ assignee: 'me' });
    expect(filterQuery({ view: 'handoff', assignee: 'none' })).toEqual({
      state: 'handoff',
      assignee: 'none',
    });
  });

  it('judges items as the server would', () => {
    const mine = item('a', { assigneeId: ME, state: 'checkout' });
    expect(matchesFilter(mine, { view: 'mine' }, ME)).toBe(true);
    expect(matchesFilter(mine, { view: 'checkout' }, ME)).toBe(true);
    expect(matchesFilter(mine, { view: 'handoff' }, ME)).toBe(false);
    expect(matchesFilter(mine, { view: 'all', assignee: 'none' }, ME)).toBe(false);
    expect(matchesFilter(mine, { view: 'all', assignee: ME }, ME)).toBe(true);
    expect(matchesFilter(mine, { view: 'all', assignee: 'other' }, ME)).toBe(false);
    expect(matchesFilter(mine, { view: 'all', channel: 'messenger' }, ME)).toBe(false);
    expect(matchesFilter(item('b'), { view: 'mine' }, ME)).toBe(false);
  });
});
