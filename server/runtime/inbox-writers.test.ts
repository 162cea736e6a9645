import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SERVER = fileURLToPath(new URL('..', import.meta.url));
/** The one home of inbox writes: its insert takes the conversation's inbox lock. */
const ENTRANCE = 'runtime/inbox.ts';
const WRITES = [/insert\s+into\s+inbox\b/i, /\.insert\(\s*inbox\s*\)/];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

// The lint rule says the same; this also catches a disable comment or a string built in parts.
describe('inbox writers', () => {
  it(`only ${ENTRANCE} writes inbox rows`, () => {
    const writers = sources(SERVER)
      .filter((path) => WRITES.some((w) => w.test(readFileSync(path, 'utf8'))))
      .map((path) => relative(SERVER, path));
    expect(writers).toEqual([ENTRANCE]);
  });
});
