/**
 * The small interfaces the rest of the server depends on (docs/style.md rule 7). Each has an
 * in-process implementation (the embedded default) and a Redis one (several nodes); both pass
 * the same contract suite in test/contracts/.
 */

export interface RateLimitOptions {
  /** Namespace of the keys, e.g. `ip` or `login-account`. */
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Hits left in the window after this one. */
  remaining: number;
  /** When `allowed` is false: how long until one more hit would be allowed. */
  retryAfterMs: number;
}

/**
 * A sliding-window log: a hit is allowed when fewer than `limit` allowed hits happened in the
 * last `windowMs`. Refused hits are not recorded, so a client that backs off is let back in.
 */
export interface RateLimiter {
  hit(key: string): Promise<RateLimitResult>;
  /** Hits of `key` in the current window, without adding one (0 when the store is down). */
  count(key: string): Promise<number>;
  /** Forget a key (e.g. failed logins after a successful one). */
  reset(key: string): Promise<void>;
}

/**
 * Wake-up hints for shard owners: "conversation X of shard S has new inbox rows". Only a hint:
 * the inbox in PostgreSQL is the record, and owners sweep it, so a lost hint costs latency.
 */
export interface HintBus {
  publish(shard: number, conversationId: string): Promise<void>;
  /**
   * Delivers hints for the shards `shards()` returns at each read (ownership changes over
   * time). Resolves once the subscription is live.
   */
  subscribe(
    shards: () => readonly number[],
    onHint: (shard: number, conversationId: string) => void,
  ): Promise<{ close(): Promise<void> }>;
}

/** What ties nodes together: in-process on one node, Redis across several. */
export interface Fabric {
  readonly kind: 'memory' | 'redis';
  rateLimiter(options: RateLimitOptions): RateLimiter;
  readonly hints: HintBus;
  readonly presence: PresenceStore;
  /** Throws when the fabric cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One agent's dashboard connection(s) on one node, as presence records it. */
export interface PresenceEntry {
  nodeId: string;
  userId: string;
  name: string | null;
  role: 'owner' | 'admin' | 'agent';
}

/**
 * Who is online per business. Each node refreshes its own entries (join and heartbeat) with a
 * TTL, so a crashed node's agents drop out by themselves; `list` merges the nodes.
 */
export interface PresenceStore {
  refresh(businessId: string, entries: readonly PresenceEntry[], ttlMs: number): Promise<void>;
  remove(businessId: string, entry: PresenceEntry): Promise<void>;
  list(businessId: string): Promise<Omit<PresenceEntry, 'nodeId'>[]>;
  /**
   * Drops entries past their expiry (a crashed node's agents) and says how many. Atomic per
   * store, so when several nodes prune at once only the one that dropped them reports them.
   */
  prune(businessId: string): Promise<number>;
}

/** Whose live connections must end: every session of a user, or one login (refresh family). */
export type AccessChange =
  { kind: 'user'; userId: string } | { kind: 'session'; sessionId: string };

/**
 * "This access changed": a member removed or their role changed (every session of the user),
 * or one login ended by logout, refresh-token reuse or a password change (that session only).
 * Whoever holds live connections (the realtime layer) ends them, on every node. Routes call it
 * after their transaction commits; they never import the socket layer.
 */
export interface AccessEvents {
  accessChanged(userId: string): void;
  sessionEnded(sessionId: string): void;
  subscribe(listener: (change: AccessChange) => void): () => void;
}
