import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from './harness';
import { round1 } from './result';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  pct: number;
}

export interface ProfileSummary {
  file: string;
  sampledMs: number;
  /** Share of the samples where the event loop had nothing to run. */
  idlePct: number;
  /** Self time by where the code lives: a package, a folder of ours, Node internals, GC. */
  byArea: Share[];
  /** Functions with the most self time. */
  topSelf: Share[];
  /** Our functions with the most inclusive time (everything they called counted too). */
  topInclusive: Share[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Where a frame's code lives: `pkg:postgres`, `server/runtime`, `node:internal`, `(idle)`… */
export function areaOf(url: string, functionName: string): string {
  if (!url) return SPECIAL.has(functionName) ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg:${pkg[1]}`;
  const own =
    /\/(server|actors|shared)\/([^/]+)\//.exec(url) ?? /\/(server|actors|shared)\//.exec(url);
  if (own) return own[2] ? `${own[1]}/${own[2]}` : own[1]!;
  return 'other';
}

const OWN = /\/(server|actors|shared)\//;

function label(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const file = frame.url.replace(/^.*\/(node_modules|server|actors|shared)\//, '$1/');
  const name = frame.functionName || '(anonymous)';
  return frame.url ? `${name} (${file}:${frame.lineNumber + 1})` : name;
}

export function summarizeCpuProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfUs = new Map<number, number>();
  let total = 0;
  // timeDeltas[i] is the time before sample i; the sample's own duration is the next delta.
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (us <= 0) continue;
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + us);
    total += us;
  }

  const area = new Map<string, number>();
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const a = areaOf(node.callFrame.url, node.callFrame.functionName);
    area.set(a, (area.get(a) ?? 0) + us);
    const l = label(node.callFrame);
    self.set(l, (self.get(l) ?? 0) + us);
    // Each of our functions on this stack gets the sample once, however deep the recursion.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (!OWN.test(frame.url)) continue;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }

  const shares = (m: Map<string, number>, n: number): Share[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: round1((us * 100) / total) }));
  return {
    file,
    sampledMs: Math.round(total / 1000),
    idlePct: round1(((area.get('(idle)') ?? 0) * 100) / total),
    byArea: shares(area, 20),
    topSelf: shares(self, top),
    topInclusive: shares(inclusive, top),
  };
}

/**
 * The main-thread profiles `--cpu-prof --cpu-prof-dir=dir` left there, one per process
 * (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`; thread 0 is the main thread, the others
 * are loader workers that idle).
 */
export function profilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export const profileDir = (name: string) => join(BENCH_DIR, 'results', 'profiles', name);

/** A profile summary as report lines. */
export function profileMarkdown(summary: ProfileSummary): string[] {
  const rows = (shares: Share[]) => shares.map((s) => `| ${s.name} | ${s.ms} | ${s.pct} % |`);
  return [
    `${summary.sampledMs} ms sampled, ${summary.idlePct} % idle.`,
    '',
    '| self time by area | ms | share |',
    '|---|---|---|',
    ...rows(summary.byArea.slice(0, 12)),
    '',
    '| self time by function | ms | share |',
    '|---|---|---|',
    ...rows(summary.topSelf),
    '',
    '| our functions, inclusive time | ms | share |',
    '|---|---|---|',
    ...rows(summary.topInclusive),
  ];
}
