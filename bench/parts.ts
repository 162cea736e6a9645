/**
 * Every benchmark part `npm run bench` runs, in order, and `bench/REPORT.md` shows. A new part
 * plugs in with one line: its name (the prefix of its `bench/results/<name>-<date>.json`) and
 * its script. A script accepts `--quick` unless it names its own short arguments in `quick`.
 */
export interface BenchPart {
  readonly name: string;
  /** Relative to `bench/`. */
  readonly script: string;
  /** Arguments for a short smoke run; default `['--quick']`. */
  readonly quick?: readonly string[];
}

export const PARTS: readonly BenchPart[] = [
  {
    name: 'actors',
    script: 'actors.bench.ts',
    quick: ['--events', '600', '--conversations', '50', '--pgbench-seconds', '5'],
  },
  { name: 'ingest', script: 'ingest.bench.ts' },
  { name: 'queue', script: 'queue.bench.ts' },
  { name: 'failover', script: 'failover.bench.ts' },
  { name: 'density', script: 'density.bench.ts' },
  { name: 'fanout', script: 'fanout.bench.ts', quick: [] },
  { name: 'latency', script: 'latency.bench.ts' },
  { name: 'abuse', script: 'abuse.bench.ts' },
];
