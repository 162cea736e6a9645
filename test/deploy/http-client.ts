import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON; throws if it is not JSON. */
  json<T = unknown>(): T;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * The loopback address the request comes from (127.0.0.2, 127.0.0.3, …): to nginx these are
   * different clients, which is how a test plays several users from one machine.
   */
  from?: string;
}

/**
 * One request on a fresh connection with node:http rather than fetch: fetch cannot choose the
 * source address, and it keeps duplicate headers apart only by joining them, as this does too.
 */
export function send(port: number, path: string, options: SendOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
        headers: options.headers,
        localAddress: options.from,
        agent: false,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    // nginx answers 413 before reading an oversized body and may close while it is still being
    // written; once the answer is in, a broken pipe on the way out is expected.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(options.body);
  });
}

/** Sum of a Prometheus metric's samples whose labels match every given label. */
export function metricSum(
  text: string,
  name: string,
  match: Record<string, string> = {},
  exclude: Record<string, string> = {},
): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const has = (k: string, v: string) => line.includes(`${k}="${v}"`);
    if (!Object.entries(match).every(([k, v]) => has(k, v))) continue;
    if (Object.entries(exclude).some(([k, v]) => has(k, v))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
