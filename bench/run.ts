import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR } from './lib/harness';
import { aggregate } from './lib/report';
import { PARTS } from './parts';

/**
 * `npm run bench`: every registered part in sequence, each in its own process (a part that
 * crashes leaves the others' results), then the aggregate and `bench/REPORT.md`.
 *
 *   npm run bench -- --quick               smoke run of every part
 *   npm run bench -- --only ingest,density a subset
 *   npm run bench -- --report              only regenerate the report from stored results
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    report: { type: 'boolean', default: false },
  },
});

const only = values.only?.split(',').map((s) => s.trim());
const failed: string[] = [];
if (!values.report) {
  for (const part of PARTS) {
    if (only && !only.includes(part.name)) continue;
    const args = values.quick ? [...(part.quick ?? ['--quick'])] : [];
    process.stdout.write(`\n=== bench ${part.name} ${args.join(' ')}\n`);
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(BENCH_DIR, part.script), ...args],
      { stdio: 'inherit', cwd: join(BENCH_DIR, '..') },
    );
    const seconds = Math.round((Date.now() - started) / 1000);
    if (run.status !== 0) failed.push(part.name);
    process.stdout.write(
      `=== ${part.name}: ${run.status === 0 ? 'ok' : `FAILED (${run.status ?? run.signal})`} in ${seconds} s\n`,
    );
  }
}
const { json, report } = await aggregate();
process.stdout.write(`\naggregate: ${json}\nreport: ${report}\n`);
if (failed.length > 0) {
  process.stderr.write(`failed parts: ${failed.join(', ')}\n`);
  process.exit(1);
}
