import type { ConversationItem } from '../../../shared/conversations.schema';
import type { Channel, ConversationState } from '../../../shared/domain';

/**
 * The live list of one inbox view, pure so the unit tests run it under Node. Items are kept by
 * id with the highest `version` seen (a late or replayed event never rolls a row back), ordered
 * newest activity first. An update that takes a conversation out of the view drops it; one that
 * brings it in inserts it at its place (binary search), so a feed event costs microseconds
 * even with tens of thousands of rows.
 */

export const VIEW_IDS = ['handoff', 'mine', 'bot', 'checkout', 'paid', 'closed', 'all'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export const VIEW_LABELS: Readonly<Record<ViewId, string>> = {
  handoff: 'Handoff queue',
  mine: 'Mine',
  bot: 'With the bot',
  checkout: 'At checkout',
  paid: 'Paid',
  closed: 'Closed',
  all: 'All conversations',
};

/** `assignee`: a user id, `me`, `none` (unassigned), or undefined (anyone). */
export interface InboxFilter {
  view: ViewId;
  channel?: Channel | undefined;
  assignee?: string | undefined;
}

/** The `GET /api/conversations` query a filter stands for. */
export function filterQuery(filter: InboxFilter): {
  state?: ConversationState;
  channel?: Channel;
  assignee?: string;
} {
  const query: { state?: ConversationState; channel?: Channel; assignee?: string } = {};
  if (filter.view !== 'all' && filter.view !== 'mine') query.state = filter.view;
  if (filter.view === 'mine') query.assignee = 'me';
  else if (filter.assignee) query.assignee = filter.assignee;
  if (filter.channel) query.channel = filter.channel;
  return query;
}

/** Whether `item` belongs in the view, judged as the server judges the same query. */
export function matchesFilter(item: ConversationItem, filter: InboxFilter, meId: string): boolean {
  const query = filterQuery(filter);
  if (query.state && item.state !== query.state) return false;
  if (query.channel && item.channel !== query.channel) return false;
  if (query.assignee === 'me' && item.assigneeId !== meId) return false;
  if (query.assignee === 'none' && item.assigneeId !== null) return false;
  if (
    query.assignee &&
    query.assignee !== 'me' &&
    query.assignee !== 'none' &&
    item.assigneeId !== query.assignee
  ) {
    return false;
  }
  return true;
}

export interface ListState {
  readonly byId: ReadonlyMap<string, ConversationItem>;
  /** Ids, newest `updatedAt` first (ties: id descending, so the order is total). */
  readonly order: readonly string[];
  /** The highest version ever seen per id, including rows that left the view. */
  readonly versions: ReadonlyMap<string, number>;
  /** Bumped by every change: a new state object per change, for React. */
  readonly rev: number;
}

/**
 * The maps and the order array are owned by the latest state and changed in place (copying
 * 50,000 entries per feed event would cost tens of milliseconds); each change returns a new
 * wrapper, so only the latest state may be read. Callers never keep an older one.
 */
interface MutableList {
  byId: Map<string, ConversationItem>;
  order: string[];
  versions: Map<string, number>;
  rev: number;
}

export function emptyList(): ListState {
  return { byId: new Map(), order: [], versions: new Map(), rev: 0 };
}

const timeCache = new Map<string, number>();
function time(iso: string): number {
  let t = timeCache.get(iso);
  if (t === undefined) {
    t = Date.parse(iso);
    if (timeCache.size > 200_000) timeCache.clear();
    timeCache.set(iso, t);
  }
  return t;
}

/** Negative when `a` sorts before `b`. */
export function compareItems(a: ConversationItem, b: ConversationItem): number {
  const at = time(a.updatedAt);
  const bt = time(b.updatedAt);
  if (at !== bt) return bt - at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Where `item` goes in `order` (binary search). */
function insertionIndex(
  order: readonly string[],
  byId: ReadonlyMap<string, ConversationItem>,
  item: ConversationItem,
): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const other = byId.get(order[mid] as string) as ConversationItem;
    if (compareItems(other, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function remove(list: MutableList, current: ConversationItem) {
  // The stored item's place is found by search; fall back to a scan if sorting was broken.
  let at = insertionIndex(list.order, list.byId, current);
  if (list.order[at] !== current.id) at = list.order.indexOf(current.id);
  if (at >= 0) list.order.splice(at, 1);
  list.byId.delete(current.id);
}

/** Applies one item in place; true when the list changed. */
function apply(
  list: MutableList,
  item: ConversationItem,
  belongs: (item: ConversationItem) => boolean,
): boolean {
  const seen = list.versions.get(item.id);
  const current = list.byId.get(item.id);
  if (seen !== undefined && item.version < seen) return false;
  if (seen !== undefined && item.version === seen && (current || !belongs(item))) return false;
  list.versions.set(item.id, item.version);
  const inView = belongs(item);
  if (!current && !inView) return false;
  if (current) remove(list, current);
  if (inView) {
    list.order.splice(insertionIndex(list.order, list.byId, item), 0, item.id);
    list.byId.set(item.id, item);
  }
  return true;
}

function wrap(state: ListState): MutableList {
  return state as MutableList;
}

/**
 * Applies one item (from a page or a feed event). Returns the same state when nothing changed:
 * an older or equal version, or an item outside the view that was not in it.
 */
export function upsert(
  state: ListState,
  item: ConversationItem,
  belongs: (item: ConversationItem) => boolean,
): ListState {
  const list = wrap(state);
  if (!apply(list, item, belongs)) return state;
  return { byId: list.byId, order: list.order, versions: list.versions, rev: list.rev + 1 };
}

/** Adds a fetched page; rows already newer from the feed keep their newer version. */
export function addPage(
  state: ListState,
  items: readonly ConversationItem[],
  belongs: (item: ConversationItem) => boolean,
): ListState {
  const list = wrap(state);
  let changed = false;
  if (list.order.length === 0 && items.length > 64) {
    // A first large page: one sort beats many inserts.
    for (const item of items) {
      const seen = list.versions.get(item.id);
      if (seen !== undefined && item.version < seen) continue;
      list.versions.set(item.id, item.version);
      if (belongs(item)) list.byId.set(item.id, item);
    }
    list.order.push(...[...list.byId.values()].sort(compareItems).map((i) => i.id));
    changed = true;
  } else {
    for (const item of items) changed = apply(list, item, belongs) || changed;
  }
  if (!changed) return state;
  return { byId: list.byId, order: list.order, versions: list.versions, rev: list.rev + 1 };
}

/** Changes one row in place (read locally: unread 0) without touching its version or place. */
export function patch(
  state: ListState,
  id: string,
  change: (item: ConversationItem) => ConversationItem,
): ListState {
  const list = wrap(state);
  const current = list.byId.get(id);
  if (!current) return state;
  list.byId.set(id, { ...change(current), updatedAt: current.updatedAt, version: current.version });
  return { byId: list.byId, order: list.order, versions: list.versions, rev: list.rev + 1 };
}

export function itemAt(state: ListState, index: number): ConversationItem | undefined {
  const id = state.order[index];
  return id === undefined ? undefined : state.byId.get(id);
}
