import net from 'node:net';
import postgres from 'postgres';

/**
 * Where the real services are. Outside CI an absent service skips its suites with a loud
 * notice; under CI=true it is a failure (README.md, "Tests").
 */
export const ADMIN_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

const probes = new Map<string, Promise<boolean>>();

function probeTcp(url: string, fallbackPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({
      host: hostname || '127.0.0.1',
      port: Number(port) || fallbackPort,
    });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function probePostgres(): Promise<boolean> {
  if (!(await probeTcp(ADMIN_DATABASE_URL, 5432))) return false;
  const sql = postgres(ADMIN_DATABASE_URL, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export type Service = 'postgres' | 'redis';

export function isAvailable(service: Service): Promise<boolean> {
  let probe = probes.get(service);
  if (!probe) {
    probe = service === 'postgres' ? probePostgres() : probeTcp(TEST_REDIS_URL, 6379);
    probes.set(service, probe);
  }
  return probe;
}

/**
 * Resolves to true when every service is there. When one is missing: throws under CI, and
 * otherwise prints a notice nobody can miss and resolves to false (the caller skips).
 */
export async function requireServices(suite: string, ...services: Service[]): Promise<boolean> {
  const missing: Service[] = [];
  for (const s of services) if (!(await isAvailable(s))) missing.push(s);
  return missingVerdict(suite, missing);
}

/** `requireServices` once the probes answered: true when nothing is missing. */
export function missingVerdict(suite: string, missing: readonly Service[]): boolean {
  if (missing.length === 0) return true;
  const message = `${suite}: ${missing.join(' and ')} not reachable (${ADMIN_DATABASE_URL}, ${TEST_REDIS_URL})`;
  if (IN_CI) throw new Error(`${message}; CI=true, so this is a failure.`);
  process.stderr.write(`\n${'!'.repeat(78)}\n!! SKIPPED ${message}\n${'!'.repeat(78)}\n\n`);
  return false;
}
