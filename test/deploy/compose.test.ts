import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Env } from '../../server/config';
import { requireBinaries } from '../helpers/binaries';

/**
 * docker-compose.yml as Docker Compose itself reads it, without a Docker engine: Debian's
 * docker-compose validates and interpolates it (`config`), and the resolved file is checked
 * against what the deployment promises (docs/operations.md, "Deployment").
 */
const SUITE = 'deploy: docker-compose.yml';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Debian's docker-compose is Python and brings python3-yaml, which turns its YAML into JSON.
const bins = requireBinaries(SUITE, 'docker-compose', 'python3');

const composeSource = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const exampleEnv = readFileSync(join(ROOT, '.env.example'), 'utf8');
/** `${NAME:?message}`: what compose refuses to start without. */
const REQUIRED = [...new Set([...composeSource.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]))];
const NODES = ['node1', 'node2', 'node3'];

interface Service {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  networks?: Record<string, { ipv4_address?: string } | null>;
  ports?: { published: number | string; target: number }[];
  volumes?: string[];
  restart?: string;
  stop_grace_period?: string;
}

function secretFor(name: string): string {
  if (name === 'PUBLIC_URL') return 'https://parley.example.com';
  if (name === 'ENCRYPTION_KEYS') return `k1:${randomBytes(32).toString('base64')}`;
  if (name === 'JWT_SECRET') return randomBytes(36).toString('base64');
  return randomBytes(16).toString('hex');
}

/** .env.example with its required blanks filled in, as an operator would. */
function filledEnv(skip: string[] = []): { path: string; values: Record<string, string> } {
  const values: Record<string, string> = {};
  const text = exampleEnv.replace(/^(\w+)=$/gm, (line, name: string) => {
    if (!REQUIRED.includes(name) || skip.includes(name)) return line;
    values[name] = secretFor(name);
    return `${name}=${values[name]}`;
  });
  const path = join(mkdtempSync(join(tmpdir(), 'parley-compose-')), '.env');
  writeFileSync(path, text, { mode: 0o600 });
  return { path, values };
}

/** `docker-compose config`; a clean environment, so nothing leaks in from the shell. */
function composeConfig(envFile: string) {
  const result = spawnSync(
    bins?.['docker-compose'] ?? 'docker-compose',
    ['--env-file', envFile, '-f', join(ROOT, 'docker-compose.yml'), 'config'],
    { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, encoding: 'utf8' },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function yamlToJson(yaml: string): { services: Record<string, Service>; volumes: object } {
  const result = spawnSync(
    bins?.python3 ?? 'python3',
    ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    { input: yaml, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`python3 could not read the YAML: ${result.stderr}`);
  return JSON.parse(result.stdout) as { services: Record<string, Service>; volumes: object };
}

describe.skipIf(!bins)(SUITE, () => {
  it('.env.example lists every variable the compose file reads', () => {
    const read = [...new Set([...composeSource.matchAll(/\$\{(\w+)[:}]/g)].map((m) => m[1]))];
    expect(REQUIRED).toEqual(
      expect.arrayContaining(['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'JWT_SECRET']),
    );
    for (const name of read) expect(exampleEnv, name).toMatch(new RegExp(`^${name}=`, 'm'));
  });

  it('refuses to resolve while a required secret is missing, naming it and .env', () => {
    const { path } = filledEnv(['JWT_SECRET']);
    const result = composeConfig(path);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set JWT_SECRET in .env');
  });

  describe('with a filled-in .env', () => {
    const { path, values } = filledEnv();
    const resolved = composeConfig(path);
    const config = resolved.status === 0 ? yamlToJson(resolved.stdout) : null;
    const service = (name: string): Service => {
      const s = config?.services[name];
      if (!s) throw new Error(`no service ${name}`);
      return s;
    };

    it('is valid and has exactly the deployment’s services', () => {
      expect(resolved.stderr).not.toMatch(/error/i);
      expect(resolved.status).toBe(0);
      expect(Object.keys(config?.services ?? {}).sort()).toEqual([
        'migrate',
        'nginx',
        ...NODES,
        'postgres',
        'redis',
      ]);
      // Only the edge is reachable from outside.
      for (const name of ['postgres', 'redis', 'migrate', ...NODES]) {
        expect(service(name).ports, name).toBeUndefined();
      }
    });

    it('keeps PostgreSQL in a volume, with a healthcheck', () => {
      const pg = service('postgres');
      expect(pg.volumes?.some((v) => v.startsWith('pgdata:/var/lib/postgresql/data'))).toBe(true);
      expect(pg.healthcheck?.test.join(' ')).toContain('pg_isready');
      expect(pg.environment?.POSTGRES_PASSWORD).toBe(values.POSTGRES_PASSWORD);
    });

    it('runs Redis with AOF on and noeviction, password-protected, with a healthcheck', () => {
      const redis = service('redis');
      const command = redis.command?.join(' ') ?? '';
      expect(command).toContain('--appendonly yes');
      expect(command).toContain('--maxmemory-policy noeviction');
      expect(command).toContain(`--requirepass ${values.REDIS_PASSWORD}`);
      expect(redis.volumes?.some((v) => v.startsWith('redisdata:/data'))).toBe(true);
      expect(redis.healthcheck?.test.join(' ')).toContain('redis-cli ping');
    });

    it('migrates once, from the node image, before any node starts', () => {
      const migrate = service('migrate');
      expect(migrate.command).toEqual(['node', '--import', 'tsx', 'server/main.ts', 'migrate']);
      expect(migrate.restart).toBe('no');
      expect(migrate.depends_on?.postgres?.condition).toBe('service_healthy');
      expect(migrate.build?.target).toBe('runtime');
      for (const node of NODES) {
        expect(service(node).depends_on).toEqual({
          migrate: { condition: 'service_completed_successfully' },
          postgres: { condition: 'service_healthy' },
          redis: { condition: 'service_healthy' },
        });
        expect(service(node).image).toBe(migrate.image);
      }
    });

    it('gives each node a configuration Parley accepts in production', () => {
      const nginxAddress = service('nginx').networks?.edge?.ipv4_address;
      expect(nginxAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const ids = new Set<string>();
      for (const name of NODES) {
        const node = service(name);
        const env = node.environment as Env;
        const parsed = loadConfig(env);
        ids.add(parsed.nodeId);
        expect(parsed.mode).toBe('production');
        expect(parsed.port).toBe(3000);
        expect(parsed.demo).toBe(false);
        expect(parsed.database).toMatchObject({ kind: 'postgres' });
        expect(env.DATABASE_URL).toBe(
          `postgres://parley:${values.POSTGRES_PASSWORD}@postgres:5432/parley`,
        );
        expect(parsed.redis?.url).toBe(`redis://:${values.REDIS_PASSWORD}@redis:6379`);
        expect(parsed.secrets.jwtSecret).toBe(values.JWT_SECRET);
        expect(parsed.secrets.metaAppSecret).toBe(values.META_APP_SECRET);
        // Only nginx's X-Forwarded-For is believed.
        expect(parsed.http.trustedProxies).toEqual([nginxAddress]);
        // Docker waits longer than the node's own drain budget before it kills.
        expect(parseInt(node.stop_grace_period ?? '10', 10) * 1000).toBeGreaterThan(
          parsed.shutdownTimeoutMs,
        );
        expect(node.healthcheck?.test.join(' ')).toContain('/readyz');
        expect(node.build?.target).toBe('runtime');
        expect(Object.keys(node.networks ?? {}).sort()).toEqual(['backend', 'edge']);
      }
      expect([...ids].sort()).toEqual(NODES);
      expect(loadConfig(service('migrate').environment as Env).mode).toBe('production');
    });

    it('publishes only nginx, built with the client, in front of every node', () => {
      const nginx = service('nginx');
      expect(nginx.build?.target).toBe('web');
      expect(nginx.ports).toEqual([{ published: 80, target: 80 }]);
      expect(Object.keys(nginx.depends_on ?? {}).sort()).toEqual(NODES);
      expect(nginx.healthcheck).toBeDefined();
      // The upstream block names exactly the node services, on their PORT.
      const site = readFileSync(join(ROOT, 'nginx', 'parley.conf'), 'utf8');
      const upstreams = [...site.matchAll(/^\s*server (\S+):(\d+) /gm)].map((m) => m.slice(1));
      expect(upstreams).toEqual(NODES.map((n) => [n, service(n).environment?.PORT]));
    });
  });

  it('builds the node image as a non-root user with production dependencies only', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const runtime = stages.at(-1) ?? '';
    // The last stage is what a plain `docker build .` produces.
    expect(runtime).toMatch(/^node:20-bookworm-slim AS runtime/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toContain('CMD ["node", "--import", "tsx", "server/main.ts"]');
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(stages.find((s) => s.includes(' AS web'))).toContain('client/dist');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies.tsx).toBeDefined();
  });
});
