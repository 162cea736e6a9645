import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCluster } from '../helpers/test-node';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/**
 * Security review L7 (issue 16, item 11): the embedded database was world-writable (PGlite
 * writes its files 0666 under umask 0022, in a 0755 folder). The data folder and the database
 * folder are 0700 from the start, and an existing, too open one is tightened at start.
 */
describe('the embedded data folder is private', () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-data-dir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates the data and database folders 0700, and tightens ones that exist', async () => {
    const previous = process.umask(0o022);
    try {
      const fresh = join(root, 'fresh');
      const existing = join(root, 'existing');
      mkdirSync(join(existing, 'pglite'), { recursive: true, mode: 0o777 });
      expect(modeOf(existing)).toBe(0o755);
      for (const dataDir of [fresh, existing]) {
        await using cluster = await createCluster('embedded');
        const node = await cluster.start({
          DATA_DIR: dataDir,
          PGLITE_DATA_DIR: '',
          DEMO: '1',
          DEMO_RATE: '0',
          // Generated secrets, as on a first `npm start`.
          JWT_SECRET: '',
          ENCRYPTION_KEYS: '',
          META_APP_SECRET: '',
          META_VERIFY_TOKEN: '',
          CLIENT_DIST_DIR: join(root, 'no-client'),
        });
        expect(node.demo).toBeDefined();
        expect(modeOf(dataDir), dataDir).toBe(0o700);
        expect(modeOf(join(dataDir, 'pglite')), dataDir).toBe(0o700);
        expect(modeOf(join(dataDir, 'secrets.json'))).toBe(0o600);
        expect(modeOf(join(dataDir, 'demo-login.json'))).toBe(0o600);
        // PGlite's own files are still 0666; the folders are what keeps other users out.
        expect(readdirSync(join(dataDir, 'pglite')).length).toBeGreaterThan(0);
      }
    } finally {
      process.umask(previous);
    }
  });
});
