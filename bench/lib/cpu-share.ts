import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { round1 } from './result';

/**
 * Where the machine's CPU went during a window, by process group, from /proc (user + system
 * time). On a 2-core box shared by the nodes, PostgreSQL, Redis and the load generator, this is
 * what says which of them a faster ingest would need more of.
 */
interface Sample {
  at: number;
  ticks: Map<number, { comm: string; ticks: number }>;
}

const TICKS_PER_SECOND = 100;

function readProc(): Sample {
  const ticks = new Map<number, { comm: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may contain spaces; the fields follow it.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
      ticks.set(Number(entry), { comm, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return { at: Date.now(), ticks };
}

export interface CpuShare {
  group: string;
  cpuSeconds: number;
  /** CPU seconds per wall second: 1.0 is one whole core. */
  cores: number;
  /** Share of all the machine's cores over the window. */
  pct: number;
}

/**
 * Starts a window now; `stop` returns the CPU each group used since. A process that exits
 * inside the window is gone from /proc by then: pass what it reported itself in `extra`.
 */
export function startCpuWindow(groupOf: (pid: number, comm: string) => string | null) {
  const start = readProc();
  return {
    stop(extra: Record<string, number> = {}): {
      seconds: number;
      cores: number;
      shares: CpuShare[];
    } {
      const end = readProc();
      const seconds = (end.at - start.at) / 1000;
      const used = new Map<string, number>(Object.entries(extra));
      for (const [pid, now] of end.ticks) {
        const before = start.ticks.get(pid);
        // A process that started inside the window counts from zero.
        const delta = now.ticks - (before?.comm === now.comm ? before.ticks : 0);
        if (delta <= 0) continue;
        const group = groupOf(pid, now.comm) ?? `other (${now.comm})`;
        used.set(group, (used.get(group) ?? 0) + delta / TICKS_PER_SECOND);
      }
      const cpus = os.cpus().length;
      const shares = [...used]
        .map(([group, cpuSeconds]) => ({
          group,
          cpuSeconds: round1(cpuSeconds),
          cores: Math.round((cpuSeconds / seconds) * 100) / 100,
          pct: round1((cpuSeconds * 100) / (seconds * cpus)),
        }))
        .filter((s) => s.pct >= 0.5)
        .sort((a, b) => b.pct - a.pct);
      return { seconds: round1(seconds), cores: cpus, shares };
    },
  };
}

/** The usual grouping: our node processes by name, PostgreSQL, Redis, the rest by command. */
export function benchGroups(named: Map<number, string>) {
  return (pid: number, comm: string): string | null => {
    if (named.has(pid)) return named.get(pid)!;
    if (pid === process.pid) return 'bench orchestrator';
    if (comm === 'postgres') return 'PostgreSQL';
    if (comm.startsWith('redis-server')) return 'Redis';
    return null;
  };
}
