import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Env } from '../../server/config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnedNode extends AsyncDisposable {
  readonly url: string;
  readonly process: ChildProcess;
  /** Every line the node wrote to stdout and stderr so far. */
  readonly output: string[];
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Runs `server/main.ts` as its own process, exactly as `npm start` does, and resolves once it
 * reports its URL. Multi-node and chaos tests use this; `kill('SIGKILL')` is a real crash.
 */
export async function spawnNode(
  env: Env,
  timeoutMs = 30_000,
  /** Extra Node.js flags, e.g. `--cpu-prof` for a benchmark's profile. */
  nodeFlags: string[] = [],
): Promise<SpawnedNode> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'info',
      ...env,
    } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running: nobody holds a handle to a node that never reported its URL.
      child.kill('SIGKILL');
      reject(new Error(`node did not start in ${timeoutMs} ms:\n${output.join('\n')}`));
    }, timeoutMs);
    const onLine = (line: string) => {
      output.push(line);
      // The banner is written whatever the log level; the log line carries the same URL.
      const match =
        /Parley is running at (\S+)/.exec(line) ??
        /"event":"node\.started".*?"url":"([^"]+)"/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`node exited (${code}) before starting:\n${output.join('\n')}`));
    });
  });
  const kill = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  return {
    url,
    process: child,
    output,
    exited,
    kill,
    async [Symbol.asyncDispose]() {
      kill('SIGKILL');
      await exited;
    },
  };
}
