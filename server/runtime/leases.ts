import type { Logger } from 'pino';
import type { SqlExecutor } from '../persistence/sql';
import { shardsFor } from './shards';

export interface LeaseOptions {
  sql: SqlExecutor;
  nodeId: string;
  log: Logger;
  /** How long a granted or renewed lease lasts (database clock). */
  leaseTtlMs: number;
  /** How often leases are renewed and membership re-read; well under the TTL. */
  tickMs: number;
  onGained(shards: { shard: number; epoch: number }[]): void;
  onLost(shards: number[]): void;
  /** Called before a shard is handed to another node: finish what is in flight for it. */
  drain(shards: number[]): Promise<void>;
}

export interface LeaseManager {
  start(): Promise<void>;
  /** Hand every shard over (graceful shutdown): stop claiming, drain, release, leave. */
  stop(): Promise<void>;
  /** The epoch this node holds for `shard`, if it still believes it holds it. */
  epochOf(shard: number): number | undefined;
  owned(): number[];
  /** One round now (tests and start-up use it instead of waiting for the timer). */
  tick(): Promise<void>;
}

/**
 * Shard ownership with fencing (docs/architecture.md, "Shards, leases and fencing"). Leases and
 * their epochs live in PostgreSQL because that is where the transition transaction checks them: a
 * claim takes the row `for update`, a transition reads it `for key share`, so a takeover and a
 * stale owner's commit serialise. Membership is a heartbeat table; shards are split by rendezvous
 * hashing.
 */
export function createLeaseManager(options: LeaseOptions): LeaseManager {
  const { sql, nodeId, log } = options;
  const owned = new Map<number, number>();
  const ttl = `${options.leaseTtlMs} milliseconds`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let stopping = false;

  async function heartbeatAndMembers(): Promise<string[]> {
    await sql.query(
      `insert into cluster_nodes (node_id, last_seen, leaving) values ($1, now(), false)
       on conflict (node_id) do update set last_seen = now(), leaving = false`,
      [nodeId],
    );
    const rows = await sql.query<{ node_id: string }>(
      `select node_id from cluster_nodes
        where not leaving and last_seen > now() - $1::interval order by node_id`,
      [ttl],
    );
    return rows.map((r) => r.node_id);
  }

  async function renew(): Promise<void> {
    if (owned.size === 0) return;
    const shards = [...owned.keys()];
    const rows = await sql.query<{ shard: number; epoch: number }>(
      `update shard_leases set lease_until = now() + $3::interval
        where owner = $1 and shard = any($2::int[])
        returning shard, epoch::int as epoch`,
      [nodeId, shards, ttl],
    );
    const kept = new Map(rows.map((r) => [r.shard, r.epoch]));
    const lost = shards.filter((s) => kept.get(s) !== owned.get(s));
    if (lost.length > 0) {
      for (const s of lost) owned.delete(s);
      log.warn({ event: 'lease.lost', shards: lost }, 'lost shard leases to another node');
      options.onLost(lost);
    }
  }

  async function claim(wanted: number[]): Promise<void> {
    const missing = wanted.filter((s) => !owned.has(s));
    if (missing.length === 0) return;
    // SKIP LOCKED: a shard whose old owner is mid-transaction is retried on the next tick.
    const rows = await sql.query<{ shard: number; epoch: number }>(
      `update shard_leases l set owner = $1, epoch = l.epoch + 1, lease_until = now() + $3::interval
        where l.shard in (
          select shard from shard_leases
           where shard = any($2::int[])
             and (owner is null or owner = $1 or lease_until < now()
                  or owner in (select node_id from cluster_nodes where leaving))
           for update skip locked)
        returning l.shard, l.epoch::int as epoch`,
      [nodeId, missing, ttl],
    );
    if (rows.length === 0) return;
    for (const r of rows) owned.set(r.shard, r.epoch);
    log.info({ event: 'lease.gained', count: rows.length }, 'claimed shard leases');
    options.onGained(rows);
  }

  async function release(shards: number[]): Promise<void> {
    if (shards.length === 0) return;
    // Draining only saves the next owner some retries: a run still going when the lease is
    // released fails the epoch check at commit. So it is bounded, and renewal never waits on
    // a run that is itself waiting (on a lock held by a frozen peer, say).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      options.drain(shards),
      new Promise<void>(
        (resolve) => (timer = setTimeout(resolve, Math.floor(options.leaseTtlMs / 3))),
      ),
    ]);
    clearTimeout(timer);
    const epochs = shards.map((s) => owned.get(s) ?? -1);
    for (const s of shards) owned.delete(s);
    options.onLost(shards);
    await sql.query(
      `update shard_leases set owner = null, lease_until = 'epoch'
        where owner = $1 and shard = any($2::int[]) and epoch = any($3::bigint[])`,
      [nodeId, shards, epochs],
    );
    log.info({ event: 'lease.released', count: shards.length }, 'handed shard leases over');
  }

  /**
   * A node that stopped heartbeating may still hold open transactions: frozen (SIGSTOP, a long
   * GC pause, a hung VM), its sessions keep row locks on lease rows and conversations, and
   * PostgreSQL cannot tell (they are not "idle in transaction" when frozen mid-protocol). The
   * survivors end its sessions, which releases the locks and guarantees it commits nothing
   * more: fencing at the database itself. Its application names are `parley-<node>[-…]`.
   */
  async function fenceDeadNodes(): Promise<void> {
    const dead = await sql.query<{ node_id: string }>(
      `select node_id from cluster_nodes
        where node_id <> $1 and not leaving and last_seen < now() - $2::interval`,
      [nodeId, `${options.leaseTtlMs * 2} milliseconds`],
    );
    if (dead.length === 0) return;
    const patterns = dead.flatMap((d) => [`parley-${d.node_id}`, `parley-${d.node_id}-%`]);
    // Pick the sessions first: in one statement the planner may call pg_terminate_backend
    // before the other conditions are checked, on sessions that are not the dead node's.
    const sessions = await sql.query<{ pid: number }>(
      `select pid from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()
          and application_name like any($1::text[])`,
      [patterns],
    );
    if (sessions.length === 0) return;
    const ended = await sql.query<{ pid: number }>(
      `select pid from unnest($1::int[]) as pid where pg_terminate_backend(pid)`,
      [sessions.map((r) => r.pid)],
    );
    if (ended.length > 0) {
      log.warn(
        {
          event: 'lease.fenced_sessions',
          nodes: dead.map((d) => d.node_id),
          sessions: ended.length,
        },
        'ended the database sessions of unresponsive nodes',
      );
    }
  }

  async function tick(): Promise<void> {
    if (stopping) return;
    const members = await heartbeatAndMembers();
    await renew();
    await fenceDeadNodes();
    const wanted = shardsFor(nodeId, members.includes(nodeId) ? members : [...members, nodeId]);
    const wantedSet = new Set(wanted);
    await release([...owned.keys()].filter((s) => !wantedSet.has(s)));
    await claim(wanted);
  }

  const guardedTick = () => {
    running ??= tick()
      .catch((err: unknown) => log.warn({ event: 'lease.tick_failed', err }, 'lease round failed'))
      .finally(() => {
        running = null;
      });
    return running;
  };

  return {
    async start() {
      await guardedTick();
      timer = setInterval(() => void guardedTick(), options.tickMs);
    },
    async stop() {
      stopping = true;
      clearInterval(timer);
      await running;
      try {
        await sql.query(`update cluster_nodes set leaving = true where node_id = $1`, [nodeId]);
        await release([...owned.keys()]);
        await sql.query(`delete from cluster_nodes where node_id = $1`, [nodeId]);
      } catch (err) {
        // The leases expire on their own; peers take over after the TTL.
        log.warn({ event: 'lease.release_failed', err }, 'could not hand leases over');
      }
    },
    epochOf: (shard) => owned.get(shard),
    owned: () => [...owned.keys()],
    tick: guardedTick,
  };
}
