import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Env } from '../../server/config';
import { startNode } from '../../server/main';
import type { Runtime } from '../../server/runtime/runtime';

/**
 * A Parley node for memory measurements: the same composition root as `server/main.ts`, in a
 * process of its own started with `--expose-gc`, answering "measure" over IPC with its memory
 * after two full collections and the number of conversations in its executor cache.
 */
export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  cached: number;
}

export interface DensityNode {
  readonly url: string;
  measure(): Promise<Memory>;
  kill(): Promise<void>;
}

type Message = { type: 'started'; url: string } | ({ type: 'memory' } & Memory);

export async function startDensityNode(env: Env): Promise<DensityNode> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const next = () =>
    new Promise<Message>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Message));
      void exited.then(() => reject(new Error('density node exited')));
    });
  const started = await next();
  if (started.type !== 'started') throw new Error('density node: unexpected message');
  return {
    url: started.url,
    async measure() {
      const answer = next();
      child.send('measure');
      const m = await answer;
      if (m.type !== 'memory') throw new Error('density node: unexpected message');
      return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, cached: m.cached };
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function serve(): Promise<void> {
  let runtime: Runtime | undefined;
  const node = await startNode(loadConfig(process.env), {
    configureRuntime: (r) => (runtime = r),
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (m) => {
    if (m !== 'measure') return;
    // Twice: the first pass can leave garbage that only a second full collection frees.
    gc?.();
    gc?.();
    const usage = process.memoryUsage();
    process.send?.({
      type: 'memory',
      rss: usage.rss,
      heapUsed: usage.heapUsed,
      external: usage.external,
      cached: runtime?.stats().cachedConversations ?? -1,
    } satisfies Message);
  });
  process.send?.({ type: 'started', url: node.url } satisfies Message);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  serve().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
