import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { request } from '../helpers/http';
import { spawnNode } from '../helpers/spawn-node';

/** `npm start` as a new user runs it: no services, no secrets, nothing configured. */
describe('a node process on the embedded default', () => {
  it('serves /healthz, stops cleanly on SIGTERM and keeps its data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-proc-'));
    const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DEMO: '0', BCRYPT_COST: '4' };

    const started = Date.now();
    const first = await spawnNode(env);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await request(first.url, '/healthz')).status).toBe(200);
    expect((await request(first.url, '/readyz')).body).toMatchObject({ status: 'ready' });
    const secrets = readFileSync(join(dataDir, 'secrets.json'), 'utf8');
    const account = {
      businessName: 'Kept shop',
      email: `kept-${Date.now()}@example.com`,
      password: 'a-long-enough-passphrase-42',
    };
    expect((await request(first.url, '/api/auth/register', { json: account })).status).toBe(201);

    const stopAt = Date.now();
    first.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
    expect(first.output.some((l) => l.includes('"event":"node.stopped"'))).toBe(true);

    await using second = await spawnNode(env);
    expect((await request(second.url, '/healthz')).status).toBe(200);
    expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets);
    // The account made before the restart is still there (PGlite on disk).
    const login = await request(second.url, '/api/auth/login', {
      json: { email: account.email, password: account.password },
    });
    expect(login.status).toBe(200);
  });

  it('refuses to start in production without secrets, naming each one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-proc-'));
    await expect(
      spawnNode({ NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0' }, 15_000),
    ).rejects.toThrow(
      /JWT_SECRET[\s\S]*ENCRYPTION_KEYS[\s\S]*META_APP_SECRET[\s\S]*META_VERIFY_TOKEN[\s\S]*PUBLIC_URL/,
    );
  });
});

describe('the demo on the embedded default', () => {
  it('seeds a shop with a printed login and shows simulated conversations within seconds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-demo-'));
    await using node = await spawnNode({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_RATE: '5',
      BCRYPT_COST: '4',
    });
    let login: RegExpExecArray | null = null;
    for (let i = 0; i < 50 && !login; i++) {
      login = /sign in as (\S+) \/ (\S+)/.exec(node.output.join('\n'));
      if (!login) await new Promise((r) => setTimeout(r, 100));
    }
    expect(login).not.toBeNull();
    const session = await request<{ accessToken: string }>(node.url, '/api/auth/login', {
      json: { email: login![1], password: login![2] },
    });
    expect(session.status).toBe(200);
    const deadline = Date.now() + 20_000;
    let conversations: unknown[] = [];
    while (conversations.length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      const bundle = await request<{ conversations: unknown[]; messages: unknown[] }>(
        node.url,
        '/api/account/export',
        {
          token: session.body.accessToken,
        },
      );
      conversations = bundle.body.conversations ?? [];
    }
    expect(conversations.length).toBeGreaterThanOrEqual(3);
  });
});
