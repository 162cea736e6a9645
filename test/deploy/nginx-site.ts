import { spawn } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX_DIR = fileURLToPath(new URL('../../nginx/', import.meta.url));

export interface SiteOptions {
  /** `host:port` of each node, in the order of the file's `server nodeN:3000` lines. */
  upstreams: readonly string[];
  /** What replaces `listen 80`, e.g. `127.0.0.1:8123`. */
  listen: string;
  /** The web root that replaces the image's /usr/share/nginx/html. */
  root: string;
}

/**
 * The committed nginx/parley.conf with only the deployment-specific values swapped: node
 * addresses (their parameters such as max_fails stay), the listen port and the web root. Each
 * substitution must hit exactly as often as expected, so a reshaped config fails here loudly
 * instead of leaving the test to exercise something else.
 */
export function renderSite(source: string, options: SiteOptions): string {
  const replaceExactly = (text: string, re: RegExp, count: number, by: (i: number) => string) => {
    let i = 0;
    const out = text.replace(re, () => by(i++));
    if (i !== count) {
      throw new Error(`nginx/parley.conf: expected ${count} match(es) of ${re}, found ${i}`);
    }
    return out;
  };
  let site = replaceExactly(
    source,
    /\bserver node\d+:3000\b/g,
    options.upstreams.length,
    (i) => `server ${options.upstreams[i]}`,
  );
  site = replaceExactly(site, /^(\s*)listen 80;$/gm, 1, () => `    listen ${options.listen};`);
  site = replaceExactly(
    site,
    /^\s*root \/usr\/share\/nginx\/html;$/gm,
    1,
    () => `    root ${JSON.stringify(options.root)};`,
  );
  return site;
}

/**
 * A main config for a private nginx: every path the Debian build compiles in (pid, temp
 * folders, logs) is moved into `prefix`, then the rendered site is included exactly as the image
 * includes it, with the committed snippets beside it.
 */
export function writeNginxPrefix(prefix: string, site: string): string {
  mkdirSync(join(prefix, 'conf.d'), { recursive: true });
  mkdirSync(join(prefix, 'snippets'), { recursive: true });
  mkdirSync(join(prefix, 'temp'), { recursive: true });
  for (const name of readdirSync(join(NGINX_DIR, 'snippets'))) {
    writeFileSync(join(prefix, 'snippets', name), readFileSync(join(NGINX_DIR, 'snippets', name)));
  }
  writeFileSync(join(prefix, 'conf.d', 'parley.conf'), site);
  const temp = (name: string) => JSON.stringify(join(prefix, 'temp', name));
  const main = `
worker_processes 1;
pid ${JSON.stringify(join(prefix, 'nginx.pid'))};
error_log ${JSON.stringify(join(prefix, 'error.log'))} warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  access_log ${JSON.stringify(join(prefix, 'access.log'))};
  include conf.d/parley.conf;
}
`;
  const path = join(prefix, 'nginx.conf');
  writeFileSync(path, main);
  return path;
}

export interface RunningNginx extends AsyncDisposable {
  readonly port: number;
  readonly prefix: string;
  /** What nginx wrote to its error log so far (warnings and errors). */
  errorLog(): string;
  stop(): Promise<void>;
}

/** Runs the real nginx binary in the foreground on a free loopback port. */
export async function startNginx(
  binary: string,
  options: Omit<SiteOptions, 'listen'>,
): Promise<RunningNginx> {
  const source = readFileSync(join(NGINX_DIR, 'parley.conf'), 'utf8');
  let lastError: unknown;
  // A free port can be taken between probing and nginx's bind; try again with another.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const prefix = mkdtempSync(join(tmpdir(), 'parley-nginx-'));
    // Under root the workers run as `nobody`, and mkdtemp folders are 0700.
    chmodSync(prefix, 0o755);
    const conf = writeNginxPrefix(
      prefix,
      renderSite(source, { ...options, listen: `127.0.0.1:${port}` }),
    );
    try {
      return await launch(binary, prefix, conf, port);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function launch(binary: string, prefix: string, conf: string, port: number) {
  const child = spawn(binary, ['-p', prefix, '-c', conf, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (!running || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start on port ${port}:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    // SIGQUIT is nginx's graceful stop; SIGKILL if a connection keeps it waiting.
    if (running) child.kill('SIGQUIT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return {
    port,
    prefix,
    errorLog: () => {
      try {
        return readFileSync(join(prefix, 'error.log'), 'utf8');
      } catch {
        return '';
      }
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
