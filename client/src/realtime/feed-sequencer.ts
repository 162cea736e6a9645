import type { FeedEntry, ResyncResult } from '../../../shared/realtime.events';

/**
 * The ordering core of the feed client, with no socket and no clock of its own (both are
 * injected), so it is tested directly.
 *
 * - `seq` is the last *contiguous* feed position applied. Entries are applied strictly in seq
 *   order; a duplicate (seq ≤ `seq`) is dropped.
 * - An entry past a hole is buffered. Two nodes publish one business's feed concurrently and
 *   their broadcasts can cross, so a hole gets a short grace (`gapGraceMs`) before it counts as
 *   a loss; then `requestResync(seq)` is called once (uWS drops frames to a socket past its
 *   backpressure limit, docs/architecture.md, "Facts measured", so losses are expected, not
 * exceptional).
 * - Ephemeral events and `hello` carry the business's latest seq: `observeSeq` treats a higher
 *   one as a hole too.
 * - Per conversation the highest `version` seen wins: an older (or equal) conversation event
 *   is not delivered, an older `message:created` neither.
 */

export interface SequencerOptions {
  /** Delivers one entry that passed ordering and the version check. */
  deliver: (entry: FeedEntry) => void;
  /** Asks the server for everything after `sinceSeq`; the answer goes to `applyResync`. */
  requestResync: (sinceSeq: number) => void;
  /** Feed positions were lost for good (the server said `reset`): refetch over HTTP. */
  onReset: (seq: number) => void;
  gapGraceMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface FeedSequencer {
  /** The last contiguous seq applied; -1 before the first `start`. */
  readonly seq: number;
  readonly started: boolean;
  /** The feed position to start from (the first `hello`, or after an HTTP refetch). */
  start(seq: number): void;
  /** An entry arrived live. */
  receive(entry: FeedEntry): void;
  /** A seq the business has reached (hello, presence, typing, analytics). */
  observeSeq(seq: number): void;
  /** Asks for a resync at once (after a reconnect), unless one is in flight. */
  resyncNow(): void;
  /** The answer to `requestResync`. `null`: the request failed; it is retried on the next hole. */
  applyResync(result: ResyncResult | null): void;
  /** Versions the app now holds from an HTTP fetch; older feed events are then skipped. */
  noteVersion(conversationId: string, version: number): void;
  versionOf(conversationId: string): number | undefined;
  /** Stops timers (the client is closing). */
  dispose(): void;
}

export const DEFAULT_GAP_GRACE_MS = 250;

export function createFeedSequencer(options: SequencerOptions): FeedSequencer {
  const grace = options.gapGraceMs ?? DEFAULT_GAP_GRACE_MS;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer =
    options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const pending = new Map<number, FeedEntry>();
  const versions = new Map<string, number>();
  let seq = -1;
  /** The highest seq known to exist (from entries or ephemeral events). */
  let known = -1;
  let gapTimer: unknown = null;
  let resyncing = false;

  function admit(entry: FeedEntry): boolean {
    const { event, data } = entry;
    if (event === 'conversation:created' || event === 'conversation:updated') {
      const have = versions.get(data.id);
      if (have !== undefined && data.version <= have) return false;
      versions.set(data.id, data.version);
      return true;
    }
    if (event === 'message:created') {
      const have = versions.get(data.conversationId);
      return have === undefined || data.version >= have;
    }
    return true;
  }

  function apply(entry: FeedEntry) {
    seq = entry.data.seq;
    if (admit(entry)) options.deliver(entry);
  }

  function drain() {
    for (let next = pending.get(seq + 1); next; next = pending.get(seq + 1)) {
      pending.delete(seq + 1);
      apply(next);
    }
    for (const s of pending.keys()) if (s <= seq) pending.delete(s);
    checkGap();
  }

  function checkGap() {
    const behind = known > seq;
    if (!behind) {
      if (gapTimer !== null) clearTimer(gapTimer);
      gapTimer = null;
      return;
    }
    if (gapTimer !== null || resyncing) return;
    gapTimer = setTimer(() => {
      gapTimer = null;
      if (known > seq && !resyncing) {
        resyncing = true;
        options.requestResync(seq);
      }
    }, grace);
  }

  return {
    get seq() {
      return seq;
    },
    get started() {
      return seq >= 0;
    },
    start(at) {
      seq = at;
      known = Math.max(known, at);
      drain();
    },
    receive(entry) {
      const s = entry.data.seq;
      known = Math.max(known, s);
      if (seq < 0) {
        // Before the first hello (another node's broadcast can overtake it): kept until
        // `start` says which of them are already covered.
        pending.set(s, entry);
        return;
      }
      if (s <= seq) return; // a duplicate
      if (s === seq + 1) apply(entry);
      else pending.set(s, entry);
      drain();
    },
    observeSeq(s) {
      known = Math.max(known, s);
      if (seq >= 0) checkGap();
    },
    resyncNow() {
      if (resyncing || seq < 0) return;
      if (gapTimer !== null) clearTimer(gapTimer);
      gapTimer = null;
      resyncing = true;
      options.requestResync(seq);
    },
    applyResync(result) {
      resyncing = false;
      if (result === null) {
        checkGap();
        return;
      }
      if (result.reset) {
        // Everything up to result.seq is refetched over HTTP; later live entries still apply.
        seq = Math.max(seq, result.seq);
        known = Math.max(known, result.seq);
        options.onReset(result.seq);
      } else {
        for (const entry of result.entries) {
          if (entry.data.seq > seq) pending.set(entry.data.seq, entry);
        }
        // The answer covers every position up to result.seq; one it did not return no longer
        // exists (pruned), so it is skipped rather than waited for.
        const covered = [...pending.keys()].filter((s) => s <= result.seq).sort((a, b) => a - b);
        for (const s of covered) {
          const entry = pending.get(s);
          pending.delete(s);
          if (entry) apply(entry);
        }
        seq = Math.max(seq, result.seq);
        known = Math.max(known, result.seq);
      }
      drain();
    },
    noteVersion(conversationId, version) {
      const have = versions.get(conversationId);
      if (have === undefined || version > have) versions.set(conversationId, version);
    },
    versionOf: (conversationId) => versions.get(conversationId),
    dispose() {
      if (gapTimer !== null) clearTimer(gapTimer);
      gapTimer = null;
      pending.clear();
    },
  };
}
