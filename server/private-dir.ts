import { chmodSync, mkdirSync } from 'node:fs';

/**
 * Creates `dir` (and missing parents) readable by this user only, and tightens it to 0700 if it
 * exists: the embedded database holds users, password hashes, messages and sealed secrets, and
 * PGlite writes its files 0666, so under the usual umask any local user could read and change
 * them (security review L7). The folder's mode is what keeps them out.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}
