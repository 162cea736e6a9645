import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir } from './private-dir';

const devSecretsSchema = z.object({
  JWT_SECRET: z.string().min(32),
  ENCRYPTION_KEYS: z.string().min(1),
  META_APP_SECRET: z.string().min(1),
  META_VERIFY_TOKEN: z.string().min(1),
});
export type DevSecrets = z.infer<typeof devSecretsSchema>;

export const DEV_SECRETS_FILE = 'secrets.json';

/**
 * Development mode only: secrets that were not given are generated once and kept in the data
 * folder (mode 0600), so tokens and encrypted rows stay valid across restarts.
 */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, DEV_SECRETS_FILE);
  try {
    const existing = devSecretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (existing.success) return existing.data;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secrets: DevSecrets = {
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ENCRYPTION_KEYS: `dev1:${randomBytes(32).toString('base64')}`,
    META_APP_SECRET: randomBytes(24).toString('hex'),
    META_VERIFY_TOKEN: randomBytes(16).toString('hex'),
  };
  ensurePrivateDir(dataDir);
  // wx: two nodes starting at once must not overwrite each other's freshly written secrets.
  try {
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      return devSecretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    }
    throw err;
  }
  chmodSync(file, 0o600);
  return secrets;
}
