import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { signedMessage } from './channels';

/**
 * The webhook load generator, in a process of its own so that signing and HTTP client work do
 * not share an event loop with the orchestrator's sampling. Autocannon keeps `connections`
 * keep-alive connections spread over the node URLs; every request is a freshly signed message
 * from the next contact, round-robin over `contacts` (and so over the three channels).
 */
export interface LoadgenOptions {
  urls: string[];
  contacts: number;
  connections: number;
  durationSeconds: number;
}

export interface LoadgenResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
  acceptedPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** CPU the generator itself used (user + system), so a report can show its share. */
  cpuSeconds: number;
}

/** Runs the generator as a child process and resolves with its result. */
export function runLoadgen(options: LoadgenOptions): Promise<LoadgenResult> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`loadgen exited ${code}: ${out}`));
      resolve(JSON.parse(line) as LoadgenResult);
    });
  });
}

async function generate(options: LoadgenOptions): Promise<LoadgenResult> {
  const cpuStart = process.cpuUsage();
  let next = 0;
  const result = await autocannon({
    // Autocannon spreads connections over several URLs; @types/autocannon knows only one.
    url: options.urls as unknown as string,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/api/webhooks/meta',
        setupRequest(request) {
          const n = next++;
          const delivery = signedMessage(n % options.contacts, `load ${n}`);
          return { ...request, body: delivery.body, headers: { ...delivery.headers } };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
    acceptedPerSecond: Math.round(result['2xx'] / result.duration),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    cpuSeconds: (() => {
      const used = process.cpuUsage(cpuStart);
      return Math.round((used.user + used.system) / 10_000) / 100;
    })(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  generate(JSON.parse(process.argv[2] ?? '{}') as LoadgenOptions).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
