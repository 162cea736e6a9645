import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { IN_CI } from './services';

/** sbin folders are often missing from a non-root PATH, but Debian puts nginx there. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The absolute path of an executable on PATH (or in an sbin folder), if there is one. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next folder
    }
  }
  return undefined;
}

/**
 * The paths of the programs a suite runs, like `requireServices` for services: when one is
 * missing it throws under CI (`.ci/run` installs them), and otherwise prints a notice nobody can
 * miss and returns null (the caller skips).
 */
export function requireBinaries(suite: string, ...names: string[]): Record<string, string> | null {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const path = findBinary(name);
    if (path) found[name] = path;
    else missing.push(name);
  }
  if (missing.length === 0) return found;
  const message = `${suite}: ${missing.join(' and ')} not installed (apt-get install ${missing.join(' ')})`;
  if (IN_CI) throw new Error(`${message}; CI=true, so this is a failure.`);
  process.stderr.write(`\n${'!'.repeat(78)}\n!! SKIPPED ${message}\n${'!'.repeat(78)}\n\n`);
  return null;
}
