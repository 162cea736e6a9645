import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { paystackChargeSuccess } from '../test/fakes/payment-payloads';
import { signMetaDelivery } from '../test/fakes/signing';
import { PASSWORD } from '../test/helpers/auth';
import { TEST_SECRETS } from '../test/helpers/test-node';
import { signedMessage } from './lib/channels';
import { onCleanup, runPart } from './lib/cleanup';
import { machine, progress, startCluster, writeResult } from './lib/harness';
import { table, type PartResult } from './lib/result';

/**
 * Abuse: fast-check mutations of real payloads thrown at the webhook and API endpoints of a
 * node on PostgreSQL and Redis: bodies that are mis-signed, not JSON, oversized, or JSON of the
 * wrong shape. Counts 5xx answers and crashes (both must be 0) and, for the webhook requests,
 * rows they stored (must be 0: a refused delivery changes nothing).
 *
 *   npm run bench:abuse [-- --quick] [--runs 400]
 */
const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' } },
});
const QUICK = values.quick;
const RUNS = Number(values.runs ?? (QUICK ? 80 : 400));

type Kind =
  | 'meta-missigned'
  | 'meta-not-json'
  | 'meta-oversized'
  | 'paystack-missigned'
  | 'api-bad-json'
  | 'api-wrong-shape';

/** A byte-level mutation of `text`: cut, duplicated or replaced characters. */
const mutated = (text: string) =>
  fc
    .tuple(fc.nat({ max: text.length }), fc.nat({ max: 40 }), fc.string({ maxLength: 8 }))
    .map(([at, cut, insert]) => text.slice(0, at) + insert + text.slice(at + cut));

async function main() {
  const host = machine();
  progress(`abuse: ${RUNS} runs per kind${QUICK ? ' (quick)' : ''}`);
  const cluster = await startCluster(1);
  onCleanup(() => cluster.close());
  const node = cluster.nodes[0]!;
  const reg = await fetch(`${node.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      businessName: 'Abuse shop',
      email: `abuse-${Date.now()}@example.com`,
      password: PASSWORD,
    }),
  });
  const { accessToken, business } = (await reg.json()) as {
    accessToken: string;
    business: { id: string };
  };

  const counts = async () =>
    (
      await cluster.sql<{ n: number }[]>`select
        (select count(*) from inbox)::int + (select count(*) from messages)::int +
        (select count(*) from contacts)::int + (select count(*) from conversations)::int +
        (select count(*) from payments)::int as n`
    )[0]!.n;

  const statuses = new Map<Kind, Map<number, number>>();
  let fiveXx = 0;
  let transportErrors = 0;
  const send = async (
    kind: Kind,
    path: string,
    body: string | Buffer,
    headers: Record<string, string>,
  ) => {
    try {
      const res = await fetch(`${node.url}${path}`, { method: 'POST', body, headers });
      await res.arrayBuffer();
      const byStatus = statuses.get(kind) ?? new Map<number, number>();
      byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
      statuses.set(kind, byStatus);
      if (res.status >= 500) fiveXx++;
    } catch {
      // The node may answer 413 and close before a 3 MB body is written: recorded as status 0.
      const byStatus = statuses.get(kind) ?? new Map<number, number>();
      byStatus.set(0, (byStatus.get(0) ?? 0) + 1);
      statuses.set(kind, byStatus);
      if (kind !== 'meta-oversized') transportErrors++;
    }
  };

  const genuine = signedMessage(1, 'hello from the fuzzer');
  const before = await counts();
  const wrongSecret = 'x'.repeat(32);

  await fc.assert(
    fc.asyncProperty(mutated(genuine.body), async (body) => {
      // Signed with the wrong secret: a mis-signed delivery.
      const forged = signMetaDelivery(JSON.parse(JSON.stringify({ raw: body })), wrongSecret);
      await send('meta-missigned', '/api/webhooks/meta', body, {
        ...genuine.headers,
        'x-hub-signature-256': forged.headers['x-hub-signature-256']!,
      });
      // Correctly signed, but a mutation that is not JSON (mutations that still parse are skipped:
      // they may be legitimate deliveries).
      let parses = true;
      try {
        JSON.parse(body);
      } catch {
        parses = false;
      }
      if (!parses) {
        const sig = `sha256=${createHmac('sha256', TEST_SECRETS.META_APP_SECRET).update(body).digest('hex')}`;
        await send('meta-not-json', '/api/webhooks/meta', body, {
          ...genuine.headers,
          'x-hub-signature-256': sig,
        });
      }
    }),
    { numRuns: RUNS },
  );
  progress('meta done');
  for (let i = 0; i < (QUICK ? 3 : 10); i++) {
    await send(
      'meta-oversized',
      '/api/webhooks/meta',
      Buffer.alloc(3 * 1024 * 1024, 0x61),
      genuine.headers,
    );
  }
  const paystackBody = JSON.stringify(
    paystackChargeSuccess({ reference: 'fuzz-ref', amount: 1000 }),
  );
  await fc.assert(
    fc.asyncProperty(
      mutated(paystackBody),
      fc.string({ minLength: 1, maxLength: 128 }),
      async (body, sig) => {
        await send('paystack-missigned', `/api/webhooks/paystack/${business.id}`, body, {
          'content-type': 'application/json',
          'x-paystack-signature': sig,
        });
      },
    ),
    { numRuns: RUNS },
  );
  progress('payment webhooks done');
  const afterWebhooks = await counts();

  const auth = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
  const apiPaths = [
    '/api/products',
    '/api/integrations',
    '/api/team/invitations',
    '/api/orders',
    '/api/auth/login',
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...apiPaths),
      mutated(JSON.stringify({ sku: 'MUG', name: 'Mug', priceMinor: 100, currency: 'USD' })),
      fc.jsonValue(),
      async (path, badJson, value) => {
        let parses = true;
        try {
          JSON.parse(badJson);
        } catch {
          parses = false;
        }
        if (!parses) await send('api-bad-json', path, badJson, auth);
        await send('api-wrong-shape', path, JSON.stringify(value), auth);
      },
    ),
    { numRuns: RUNS },
  );
  progress('api done');

  const alive =
    (await fetch(`${node.url}/healthz`)
      .then((r) => r.status)
      .catch(() => 0)) === 200;
  const stored = afterWebhooks - before;
  const rows = [...statuses.entries()].map(([kind, byStatus]) => [
    kind,
    [...byStatus.values()].reduce((a, b) => a + b, 0),
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s === 0 ? 'closed before the body was sent' : s}×${n}`)
      .join(' '),
  ]);
  const result: PartResult & Record<string, unknown> = {
    benchmark: 'abuse',
    at: new Date().toISOString(),
    quick: QUICK,
    machine: host,
    settings: { runsPerKind: RUNS, nodes: 1, mode: 'PostgreSQL + Redis' },
    statuses: Object.fromEntries([...statuses].map(([k, m]) => [k, Object.fromEntries(m)])),
    fiveXx,
    transportErrors,
    storedByRefusedWebhooks: stored,
    nodeAlive: alive,
    markdown: [
      `fast-check mutations of a signed WhatsApp delivery, a Paystack charge and API bodies, ${RUNS} runs per generator, against one node on PostgreSQL and Redis.`,
      '',
      ...table(['kind', 'requests', 'answers'], rows),
      '',
      `**5xx: ${fiveXx}**, transport errors: ${transportErrors}, node alive afterwards: ${alive ? 'yes' : '**no**'}, rows stored by refused webhook deliveries: **${stored}**.`,
    ],
    caveats: [
      'Mutations that still parse as JSON are not sent correctly signed: they may be genuine deliveries.',
    ],
    reproduce: `npm run bench:abuse${QUICK ? ' -- --quick' : ''}`,
  };
  const file = writeResult('abuse', result);
  process.stdout.write(`${result.markdown.join('\n')}\n\nwrote ${file}\n`);
  if (fiveXx > 0 || !alive || stored !== 0) process.exitCode = 1;
}

runPart(main);
