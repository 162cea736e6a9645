import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';

/**
 * Idle dashboard sockets for the density part: `count` socket.io clients (websocket transport,
 * `auth: {token}` as docs/api.md, "Socket.io" says) in a process of their own, kept open until the
 * parent says "close". Resolves once every socket is connected.
 */
export interface SocketClients {
  readonly connected: number;
  close(): Promise<void>;
}

/** Is socket.io served on this node? uWS answers 404 to an unknown path. */
export async function hasSocketServer(url: string): Promise<boolean> {
  const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
  await res.arrayBuffer();
  return res.status !== 404;
}

export async function connectSockets(
  url: string,
  token: string,
  count: number,
): Promise<SocketClients> {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify({ url, token, count })], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const connected = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { connected: number }).connected));
    void exited.then(() => reject(new Error('socket clients exited')));
  });
  return {
    connected,
    async close() {
      child.send('close');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      await exited;
    },
  };
}

async function run(options: { url: string; token: string; count: number }): Promise<void> {
  const sockets: Socket[] = [];
  let connected = 0;
  // A few at a time: a thousand handshakes at once would measure the handshake, not idling.
  for (let i = 0; i < options.count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, options.count - i) }, () => {
        const socket = io(options.url, {
          transports: ['websocket'],
          auth: { token: options.token },
          reconnection: false,
        });
        sockets.push(socket);
        return new Promise<void>((resolve) => {
          socket.once('connect', () => {
            connected++;
            resolve();
          });
          socket.once('connect_error', () => resolve());
        });
      }),
    );
  }
  process.send?.({ connected });
  process.on('message', (m) => {
    if (m !== 'close') return;
    for (const s of sockets) s.close();
    process.exit(0);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  run(JSON.parse(process.argv[2] ?? '{}') as { url: string; token: string; count: number }).catch(
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
