import type { Machine } from './harness';

/**
 * What a part writes to `bench/results/<part>-<date>.json`. The aggregator needs only these
 * fields; everything else is the part's own figures, kept for whoever reads the JSON.
 */
export interface PartResult {
  benchmark: string;
  at: string;
  /** A short smoke run: figures show that the harness works, not what the system does. */
  quick: boolean;
  machine: Machine;
  settings: Record<string, unknown>;
  /** This part's section of `bench/REPORT.md`, without its heading. */
  markdown: string[];
  /** Why a figure may not mean what it seems (noise, skipped sub-parts…). */
  caveats: string[];
  /** How to rerun exactly this. */
  reproduce: string;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

/** A markdown table from a header row and body rows. */
export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => String(c)).join(' | ')} |`),
  ];
}
