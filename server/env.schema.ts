import { z } from 'zod';

/**
 * Every environment variable Parley reads, with its description. `server/config.ts` parses
 * `process.env` with `envSchema`; `scripts/config-doc.ts` renders the same objects into
 * `docs/configuration.md`, so a variable cannot be added without its documentation.
 *
 * `unset` says what an absent value means when the schema has no static default (a derived
 * value, a generated secret, a mode switch); the doc shows it in the default column.
 */
export interface EnvMeta {
  description: string;
  unset?: string;
}

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** Empty strings count as unset, so `FOO=` in a compose file means the default. */
const env = <T extends z.ZodType>(schema: T, meta: EnvMeta) =>
  z.preprocess(emptyAsUndefined, schema).meta({ ...meta });

const optionalString = (meta: EnvMeta) => env(z.string().optional(), meta);
const optionalUrl = (meta: EnvMeta) => env(z.url().optional(), meta);
const prefixedUrl = (pattern: RegExp, message: string, meta: EnvMeta) =>
  env(z.string().regex(pattern, message).optional(), meta);
const int = (def: number, min: number, max: number, meta: EnvMeta) =>
  env(z.coerce.number().int().min(min).max(max).default(def), meta);

const H = 60 * 60 * 1000;
const DAY = 24 * H;

export const nodeEnv = {
  NODE_ENV: optionalString({
    description:
      '`production` demands every secret and an https `PUBLIC_URL`, and forbids the demo.',
    unset: 'development',
  }),
  HOST: env(z.string().default('0.0.0.0'), { description: 'Bind address.' }),
  PORT: int(3000, 0, 65535, {
    description: 'HTTP, webhooks and socket.io port (`0` picks a free one).',
  }),
  PUBLIC_URL: optionalUrl({
    description:
      'External URL: invoice and payment-return links, webhook URLs shown in settings; `https://` enables HSTS.',
    unset: '`http://localhost:$PORT`; required (https) in production',
  }),
  NODE_ID: optionalString({
    description: 'Name of this node in logs, metrics, leases and PostgreSQL `application_name`.',
    unset: '`<hostname>-<pid>`',
  }),
  LOG_LEVEL: env(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    { description: 'pino log level.' },
  ),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100, 120_000, {
    description: 'Graceful shutdown budget after SIGTERM/SIGINT.',
  }),
  CLIENT_DIST_DIR: optionalString({
    description:
      'The built web app (`npm run build`); served by the node when it holds an `index.html`, else non-API paths answer 404.',
    unset: '`client/dist` of the checkout',
  }),
};

export const httpEnv = {
  TRUSTED_PROXIES: optionalString({
    description:
      'Comma-separated IPs or CIDR ranges whose `X-Forwarded-For` is believed (the client IP of rate limits and logs).',
  }),
  RATE_LIMIT_PER_MINUTE: int(100, 1, 1_000_000, {
    description: 'Requests per client IP per minute, across all nodes (→ `429`).',
  }),
  BODY_LIMIT_BYTES: int(2 * 1024 * 1024, 1024, 100 * 1024 * 1024, {
    description: 'Request body cap (→ `413`).',
  }),
  UPLOAD_LIMIT_BYTES: int(10 * 1024 * 1024, 1024, 500 * 1024 * 1024, {
    description: 'Body cap on upload routes (nginx allows it only under `/api/uploads/`).',
  }),
};

export const storageEnv = {
  DATABASE_URL: prefixedUrl(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL', {
    description: 'PostgreSQL connection URL (`postgres://` or `postgresql://`).',
    unset: 'embedded PGlite in `PGLITE_DATA_DIR`',
  }),
  DATABASE_POOL_SIZE: int(10, 1, 200, {
    description:
      'Pooled PostgreSQL connections per node; the node also opens 1 for leases and 3 for pg-boss.',
  }),
  DATA_DIR: env(z.string().default('./.data'), {
    description: 'Embedded database, development secrets and the demo login.',
  }),
  PGLITE_DATA_DIR: optionalString({
    description: 'Where the embedded database lives; `memory://` keeps it in memory (tests).',
    unset: '`$DATA_DIR/pglite`',
  }),
  REDIS_URL: prefixedUrl(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL', {
    description: 'Redis connection URL (`redis://` or `rediss://`): the fabric between nodes.',
    unset: 'single node, in-process fabric',
  }),
  REDIS_PREFIX: env(z.string().default('parley:'), {
    description: 'Prefix of every Redis key Parley writes; tests use one per run.',
  }),
};

export const secretsEnv = {
  JWT_SECRET: env(z.string().min(32, 'must be at least 32 characters').optional(), {
    description: 'Signs access tokens (HS256); at least 32 characters.',
    unset: 'generated into `$DATA_DIR/secrets.json` in development; required in production',
  }),
  JWT_PREVIOUS_SECRETS: optionalString({
    description:
      'Earlier JWT secrets, comma-separated: they only verify, so a rotation logs nobody out.',
  }),
  ENCRYPTION_KEYS: optionalString({
    description:
      'Key ring for secrets at rest: `id:base64-of-32-bytes,…`; the first encrypts, all decrypt.',
    unset: 'generated in development; required in production',
  }),
  BCRYPT_COST: int(12, 4, 15, { description: 'bcrypt work factor; the tests use 4.' }),
  LOGIN_ATTEMPTS_PER_ACCOUNT: int(10, 1, 10_000, {
    description:
      'Login attempts per account from one client IP per 15 minutes (→ `429`); past this many failures from anywhere, sign-in slows down instead.',
  }),
  LOGIN_ATTEMPTS_PER_IP: int(50, 1, 100_000, {
    description: 'Login attempts per client IP per 15 minutes, across all nodes.',
  }),
  SIGNUPS_PER_IP_PER_HOUR: int(10, 1, 1_000_000, {
    description:
      'Registrations and invitation acceptances per client IP per hour (each costs a bcrypt).',
  }),
};

export const metaEnv = {
  META_APP_SECRET: optionalString({
    description: 'Meta app secret: verifies `X-Hub-Signature-256` and `signed_request`.',
    unset: 'generated in development; required in production',
  }),
  META_VERIFY_TOKEN: optionalString({
    description: 'The token of the Meta webhook verification handshake (`hub.verify_token`).',
    unset: 'generated in development; required in production',
  }),
  META_GRAPH_URL: optionalUrl({
    description: 'Graph API base URL (tests point it at a fake).',
    unset: '`https://graph.facebook.com`; in the demo the node’s own stand-in',
  }),
  META_APP_ID: env(z.string().regex(/^\d+$/, 'must be the numeric app ID').optional(), {
    description:
      'Numeric Meta app ID: with `META_APP_SECRET`, data deletion asks Graph for a user’s Messenger IDs.',
    unset: 'data deletion cannot match Messenger IDs and says so',
  }),
};

export const aiEnv = {
  OPENAI_API_KEY: optionalString({ description: 'OpenAI API key; set, OpenAI is offered.' }),
  OPENAI_BASE_URL: optionalUrl({
    description: 'OpenAI base URL (include `/v1`).',
    unset: 'the SDK’s',
  }),
  ANTHROPIC_API_KEY: optionalString({
    description: 'Anthropic API key; set, Anthropic is offered.',
  }),
  ANTHROPIC_BASE_URL: optionalUrl({ description: 'Anthropic base URL.', unset: 'the SDK’s' }),
  GROQ_API_KEY: optionalString({ description: 'Groq API key; set, Groq is offered.' }),
  GROQ_BASE_URL: optionalUrl({ description: 'Groq base URL.', unset: 'the SDK’s' }),
  AI_TIMEOUT_MS: int(15_000, 100, 600_000, {
    description: 'Deadline of one LLM call; the next provider is asked after it.',
  }),
  AI_BREAKER_FAILURES: int(3, 1, 100, {
    description: 'Consecutive failures that open a provider’s circuit breaker for a business.',
  }),
  AI_BREAKER_COOLDOWN_MS: int(30_000, 100, H, {
    description: 'How long an open breaker skips its provider before one probe call.',
  }),
  AI_MODELS: optionalString({
    description:
      'Models a business may choose, with prices in micro-USD per 1,000 tokens: `openai:gpt-4o-mini:150:600,…`.',
    unset: 'the built-in table (`server/ai/model-prices.ts`)',
  }),
  AI_MONTHLY_BUDGET_CENTS: int(5000, 0, 100_000_000, {
    description:
      'Cap on each business’s AI spend per UTC month, in US cents; a business may set a lower one; `0`: offline only.',
  }),
  AI_REPLY_CONCURRENCY: int(4, 1, 64, {
    description: 'AI replies this node works on at once (each waits on an LLM).',
  }),
};

export const paymentsEnv = {
  STRIPE_API_URL: optionalUrl({
    description: 'Stripe API base URL (tests use a fake).',
    unset: 'Stripe’s',
  }),
  PAYSTACK_API_URL: env(z.url().default('https://api.paystack.co'), {
    description: 'Paystack API base URL.',
  }),
  FLUTTERWAVE_API_URL: env(z.url().default('https://api.flutterwave.com'), {
    description: 'Flutterwave API base URL.',
  }),
  RECONCILE_AFTER_MS: int(5 * 60 * 1000, 100, 7 * DAY, {
    description:
      'A payment still pending this long is re-verified with its provider (lost webhooks).',
  }),
  RECONCILE_INTERVAL_MS: int(60 * 1000, 100, H, {
    description: 'How often each node looks for such payments.',
  }),
  RECONCILE_MAX_AGE_MS: int(3 * DAY, 60 * 1000, 90 * DAY, {
    description: 'Older pending payments are no longer asked about (their links are long expired).',
  }),
};

export const emailEnv = {
  SMTP_URL: prefixedUrl(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL', {
    description: 'Owner and member e-mail: `smtp://user:pass@host:587` or `smtps://…`.',
    unset: 'no e-mail',
  }),
  SMTP_FROM: env(z.string().default('Parley <no-reply@parley.local>'), {
    description: 'Sender of those e-mails.',
  }),
  SMTP_TIMEOUT_MS: int(5000, 100, 120_000, {
    description:
      'Connect and greeting timeout of one SMTP attempt (the socket may idle twice as long).',
  }),
  EMAIL_RETRY_LIMIT: int(8, 0, 100, {
    description: 'Retries of an e-mail that could not be sent.',
  }),
  EMAIL_RETRY_DELAY_SECONDS: int(10, 1, 3600, {
    description: 'The first pause before a retry, doubled each time.',
  }),
};

export const runtimeEnv = {
  LEASE_TTL_MS: int(3000, 500, 60_000, {
    description:
      'Shard lease lifetime: a crashed node’s conversations resume elsewhere after about this plus one tick.',
  }),
  LEASE_TICK_MS: int(500, 50, 10_000, {
    description: 'Lease renewal and membership interval; capped at a third of `LEASE_TTL_MS`.',
  }),
  CHECKOUT_TTL_MS: env(
    z.coerce
      .number()
      .int()
      .min(1000)
      .max(30 * DAY)
      .optional(),
    {
      description:
        'How long a payment link stays valid before the conversation returns to the bot.',
      unset: '`86400000` (24 h); `180000` (3 min) in the demo',
    },
  ),
  HANDOFF_WAIT_MS: int(15 * 60 * 1000, 1000, 7 * DAY, {
    description: 'How long a handed-off conversation waits before it is flagged overdue.',
  }),
};

export const realtimeEnv = {
  FEED_RETENTION_MS: int(DAY, 1000, 30 * DAY, {
    description:
      'Realtime feed entries older than this may be pruned, keeping at least `FEED_KEEP_MIN` per business.',
  }),
  FEED_KEEP_MIN: int(10_000, 0, 10_000_000, {
    description: 'The last this many feed entries per business are always kept.',
  }),
  FEED_PRUNE_INTERVAL_MS: int(10 * 60 * 1000, 100, DAY, {
    description: 'How often each node prunes the feed.',
  }),
  FEED_RESYNC_LIMIT: int(1000, 1, 100_000, {
    description:
      'A dashboard further behind than this many entries is told to reset (refetch over HTTP).',
  }),
  SOCKET_MAX_BACKPRESSURE: int(1024 * 1024, 1, 1024 * 1024 * 1024, {
    description:
      'Bytes buffered per dashboard socket before uWS drops its frames (the feed heals the gap).',
  }),
  PRESENCE_TTL_MS: int(45_000, 500, H, {
    description:
      'How long an agent stays online without a heartbeat (refreshed every third of it while connected).',
  }),
};

export const demoEnv = {
  DEMO: env(z.enum(['0', '1', 'true', 'false']).optional(), {
    description: 'Demo business and customer simulator; never allowed in production.',
    unset: 'on in development on the embedded default (no `DATABASE_URL`, no `REDIS_URL`)',
  }),
  DEMO_RATE: env(z.coerce.number().min(0).max(1000).default(0.5), {
    description:
      'Simulated customer messages per second in the demo (`0`: seed the shop, simulate nothing).',
  }),
};

/** The sections of `docs/configuration.md`, in order. */
export const ENV_SECTIONS = [
  { title: 'Node and process', vars: nodeEnv },
  { title: 'HTTP edge', vars: httpEnv },
  { title: 'Storage and fabric', vars: storageEnv },
  { title: 'Secrets and sign-in', vars: secretsEnv },
  { title: 'Meta', vars: metaEnv },
  { title: 'AI providers', vars: aiEnv },
  { title: 'Payments', vars: paymentsEnv },
  { title: 'E-mail', vars: emailEnv },
  { title: 'Actor runtime', vars: runtimeEnv },
  { title: 'Realtime', vars: realtimeEnv },
  { title: 'Demo', vars: demoEnv },
] as const;

export const envSchema = z.object({
  ...nodeEnv,
  ...httpEnv,
  ...storageEnv,
  ...secretsEnv,
  ...metaEnv,
  ...aiEnv,
  ...paymentsEnv,
  ...emailEnv,
  ...runtimeEnv,
  ...realtimeEnv,
  ...demoEnv,
});
