import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseModelAllowList } from './ai/model-allow-list';
import type { ModelAllowList } from './ai/model-prices';
import { loadOrCreateDevSecrets, type DevSecrets } from './dev-secrets';

/**
 * The one reader of `process.env` (style.md rule 5). Everything is parsed once at start-up;
 * every problem is listed together, so a broken deployment is fixed in one round.
 */

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyAsUndefined, z.url().optional());
const flag = z.preprocess(emptyAsUndefined, z.enum(['0', '1', 'true', 'false']).optional());
const int = (def: number, min: number, max: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).max(max).default(def));

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.string().optional()),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  PORT: int(3000, 0, 65535),
  PUBLIC_URL: optionalUrl,
  NODE_ID: optionalString,
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATABASE_POOL_SIZE: int(10, 1, 200),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./.data')),
  /** Where the embedded database lives; `memory://` keeps it in memory (tests). */
  PGLITE_DATA_DIR: optionalString,
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  /** Key prefix for everything Parley writes to Redis; tests use one per run. */
  REDIS_PREFIX: z.preprocess(emptyAsUndefined, z.string().default('parley:')),
  JWT_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  /** Earlier JWT secrets, comma-separated: tokens they signed still verify until they expire. */
  JWT_PREVIOUS_SECRETS: optionalString,
  /** bcrypt work factor; tests lower it to 4 to stay fast. */
  BCRYPT_COST: int(12, 4, 15),
  /** Login attempts per account and per client IP in 15 minutes, across all nodes. */
  LOGIN_ATTEMPTS_PER_ACCOUNT: int(10, 1, 10_000),
  LOGIN_ATTEMPTS_PER_IP: int(50, 1, 100_000),
  /** Registrations and invitation acceptances per client IP per hour (each costs a bcrypt). */
  SIGNUPS_PER_IP_PER_HOUR: int(10, 1, 1_000_000),
  ENCRYPTION_KEYS: optionalString,
  META_APP_SECRET: optionalString,
  META_VERIFY_TOKEN: optionalString,
  /** Unset: Meta's Graph host, or in the demo the node's own stand-in for it. */
  META_GRAPH_URL: optionalUrl,
  /** With META_APP_SECRET, the app token that asks Meta for a user's Messenger IDs (deletion). */
  META_APP_ID: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^\d+$/, 'must be the numeric app ID').optional(),
  ),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalUrl,
  GROQ_API_KEY: optionalString,
  GROQ_BASE_URL: optionalUrl,
  /** One LLM call's deadline; the next provider is asked after it. */
  AI_TIMEOUT_MS: int(15_000, 100, 600_000),
  /** Consecutive failures that open a provider's breaker for a business, and its cool-down. */
  AI_BREAKER_FAILURES: int(3, 1, 100),
  AI_BREAKER_COOLDOWN_MS: int(30_000, 100, 60 * 60 * 1000),
  /** Models businesses may choose, priced: `openai:gpt-4o-mini:150:600,…`; unset: the built-in. */
  AI_MODELS: optionalString,
  /** The operator's cap on each business's AI spend per calendar month (UTC); 0: offline only. */
  AI_MONTHLY_BUDGET_CENTS: int(5000, 0, 100_000_000),
  STRIPE_API_URL: optionalUrl,
  PAYSTACK_API_URL: z.preprocess(emptyAsUndefined, z.url().default('https://api.paystack.co')),
  FLUTTERWAVE_API_URL: z.preprocess(
    emptyAsUndefined,
    z.url().default('https://api.flutterwave.com'),
  ),
  /** Owner notifications by email (`smtp://user:pass@host:587`, `smtps://…`); unset → none. */
  SMTP_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  SMTP_FROM: z.preprocess(emptyAsUndefined, z.string().default('Parley <no-reply@parley.local>')),
  /** Connect and greeting timeout of one SMTP attempt (the socket may idle twice as long). */
  SMTP_TIMEOUT_MS: int(5000, 100, 120_000),
  /** E-mail retries after a failed attempt, and the first pause (doubled each time). */
  EMAIL_RETRY_LIMIT: int(8, 0, 100),
  EMAIL_RETRY_DELAY_SECONDS: int(10, 1, 3600),
  /** A payment still pending this long is re-verified with its provider (lost webhooks). */
  RECONCILE_AFTER_MS: int(5 * 60 * 1000, 100, 7 * 24 * 60 * 60 * 1000),
  RECONCILE_INTERVAL_MS: int(60 * 1000, 100, 60 * 60 * 1000),
  /** Payments older than this are no longer asked about (their links are long expired). */
  RECONCILE_MAX_AGE_MS: int(3 * 24 * 60 * 60 * 1000, 60 * 1000, 90 * 24 * 60 * 60 * 1000),
  TRUSTED_PROXIES: optionalString,
  RATE_LIMIT_PER_MINUTE: int(100, 1, 1_000_000),
  BODY_LIMIT_BYTES: int(2 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  UPLOAD_LIMIT_BYTES: int(10 * 1024 * 1024, 1024, 500 * 1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100, 120_000),
  /** Shard lease lifetime; failover after a crash takes about this plus one tick. */
  LEASE_TTL_MS: int(3000, 500, 60_000),
  LEASE_TICK_MS: int(500, 50, 10_000),
  /** AI replies this node works on at once (LLM calls are slow; the other queues take one). */
  AI_REPLY_CONCURRENCY: int(4, 1, 64),
  /** Defaults for new conversations: payment link lifetime and handoff queue patience. */
  /** Unset: 24 hours, or 3 minutes in the demo, so an abandoned link is seen to expire. */
  CHECKOUT_TTL_MS: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .min(1000)
      .max(30 * 24 * 60 * 60 * 1000)
      .optional(),
  ),
  HANDOFF_WAIT_MS: int(15 * 60 * 1000, 1000, 7 * 24 * 60 * 60 * 1000),
  /** Feed entries older than this may be pruned, keeping at least FEED_KEEP_MIN per business. */
  FEED_RETENTION_MS: int(24 * 60 * 60 * 1000, 1000, 30 * 24 * 60 * 60 * 1000),
  FEED_KEEP_MIN: int(10_000, 0, 10_000_000),
  FEED_PRUNE_INTERVAL_MS: int(10 * 60 * 1000, 100, 24 * 60 * 60 * 1000),
  /** A client more than this many entries behind is told to reset (refetch over HTTP). */
  FEED_RESYNC_LIMIT: int(1000, 1, 100_000),
  /** Bytes buffered for one dashboard socket before uWS drops its messages. */
  SOCKET_MAX_BACKPRESSURE: int(1024 * 1024, 1, 1024 * 1024 * 1024),
  /** Online-agent presence lifetime; refreshed every third of it while connected. */
  PRESENCE_TTL_MS: int(45_000, 500, 60 * 60 * 1000),
  DEMO: flag,
  /** The built web app (`npm run build`); served by the node when it holds an index.html. */
  CLIENT_DIST_DIR: optionalString,
  /** Simulated customer messages per second in the demo. */
  DEMO_RATE: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(1000).default(0.5)),
});

export type Env = Record<string, string | undefined>;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface Config {
  mode: 'development' | 'production';
  nodeId: string;
  host: string;
  port: number;
  publicUrl: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  dataDir: string;
  database:
    { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; poolSize: number };
  redis: { url: string; prefix: string } | null;
  secrets: {
    jwtSecret: string;
    /** Verify-only JWT secrets from before a rotation. */
    jwtPreviousSecrets: string[];
    /** The first key encrypts; every key decrypts (rotation). */
    encryptionKeys: EncryptionKey[];
    metaAppSecret: string;
    metaVerifyToken: string;
  };
  meta: {
    graphUrl: string | undefined;
    /** Unset: data deletion cannot match Messenger IDs and says so on its status page. */
    appId: string | undefined;
  };
  auth: {
    bcryptCost: number;
    loginAttemptsPerAccount: number;
    loginAttemptsPerIp: number;
    signupsPerIpPerHour: number;
  };
  ai: {
    openai: { apiKey: string | undefined; baseUrl: string | undefined };
    anthropic: { apiKey: string | undefined; baseUrl: string | undefined };
    groq: { apiKey: string | undefined; baseUrl: string | undefined };
    timeoutMs: number;
    breaker: { failures: number; cooldownMs: number };
    /** The models a business may choose per provider, and the prices calls are metered at. */
    models: ModelAllowList;
    /** Per business and calendar month (UTC), in US cents; a business may only set a lower one. */
    monthlyBudgetCents: number;
  };
  payments: {
    stripeApiUrl: string | undefined;
    paystackApiUrl: string;
    flutterwaveApiUrl: string;
    reconcileAfterMs: number;
    reconcileIntervalMs: number;
    reconcileMaxAgeMs: number;
  };
  /** Owner notifications by email; null when SMTP_URL is not set. */
  smtp: { url: string; from: string; timeoutMs: number } | null;
  email: { retryLimit: number; retryDelaySeconds: number };
  http: {
    trustedProxies: string[];
    rateLimitPerMinute: number;
    bodyLimitBytes: number;
    uploadLimitBytes: number;
    /**
     * Every JSON reply is parsed with its route's response schema, and a mismatch is a 500:
     * on everywhere but production, so each test is also a contract test.
     */
    checkReplies: boolean;
  };
  shutdownTimeoutMs: number;
  runtime: {
    leaseTtlMs: number;
    leaseTickMs: number;
    checkoutTtlMs: number;
    handoffWaitMs: number;
    aiReplyConcurrency: number;
  };
  realtime: {
    feedRetentionMs: number;
    feedKeepMin: number;
    feedPruneIntervalMs: number;
    resyncLimit: number;
    maxBackpressure: number;
    presenceTtlMs: number;
  };
  demo: boolean;
  demoRate: number;
  /** Where the built SPA lives; the node serves it when `index.html` is there. */
  client: { distDir: string };
}

const DEMO_CHECKOUT_TTL_MS = 3 * 60 * 1000;

/** `client/dist` of this checkout, wherever the process was started from. */
const DEFAULT_CLIENT_DIST_DIR = fileURLToPath(new URL('../client/dist', import.meta.url));

/** Secrets a production deployment must set; development generates and keeps them locally. */
type RequiredSecret = 'JWT_SECRET' | 'ENCRYPTION_KEYS' | 'META_APP_SECRET' | 'META_VERIFY_TOKEN';

export interface LoadConfigOptions {
  /** Development only: where generated secrets are read from and written to. Tests inject. */
  devSecrets?: (dataDir: string) => DevSecrets;
}

export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  const e = parsed.data;
  const mode = e.NODE_ENV === 'production' ? 'production' : 'development';
  const problems: string[] = [];
  const dataDir = resolve(e.DATA_DIR);

  let generated: DevSecrets | undefined;
  const secret = (name: RequiredSecret): string => {
    const value = e[name];
    if (value) return value;
    if (mode === 'production') {
      problems.push(`${name}: required when NODE_ENV=production`);
      return '';
    }
    generated ??= (options.devSecrets ?? loadOrCreateDevSecrets)(dataDir);
    return generated[name];
  };

  const jwtSecret = secret('JWT_SECRET');
  const jwtPreviousSecrets = parsePreviousSecrets(e.JWT_PREVIOUS_SECRETS, problems);
  const encryptionKeys = parseEncryptionKeys(secret('ENCRYPTION_KEYS'), problems);
  const metaAppSecret = secret('META_APP_SECRET');
  const metaVerifyToken = secret('META_VERIFY_TOKEN');
  const trustedProxies = parseTrustedProxies(e.TRUSTED_PROXIES, problems);
  const aiModels = parseModelAllowList(
    e.AI_MODELS,
    { openai: !!e.OPENAI_API_KEY, anthropic: !!e.ANTHROPIC_API_KEY, groq: !!e.GROQ_API_KEY },
    problems,
  );

  if (e.DEMO === '1' || e.DEMO === 'true') {
    if (mode === 'production') problems.push('DEMO: the demo business is never on in production');
  }
  // Customers are sent invoice and payment-return links on it, and providers are shown webhook
  // URLs: without it they got the node's own `http://localhost:3000` (security review L10).
  if (mode === 'production' && !e.PUBLIC_URL?.startsWith('https://')) {
    problems.push(
      e.PUBLIC_URL
        ? 'PUBLIC_URL: must be an https:// address when NODE_ENV=production'
        : 'PUBLIC_URL: required when NODE_ENV=production (the https:// address customers and providers reach)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const embedded = !e.DATABASE_URL && !e.REDIS_URL;
  const demoDefault = mode === 'development' && embedded;
  const demo = e.DEMO === undefined ? demoDefault : e.DEMO === '1' || e.DEMO === 'true';

  const config: Config = {
    mode,
    nodeId: e.NODE_ID ?? `${hostname()}-${process.pid}`,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : {
          kind: 'pglite',
          dataDir: e.PGLITE_DATA_DIR?.startsWith('memory://')
            ? e.PGLITE_DATA_DIR
            : resolve(e.PGLITE_DATA_DIR ?? resolve(dataDir, 'pglite')),
        },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : null,
    secrets: { jwtSecret, jwtPreviousSecrets, encryptionKeys, metaAppSecret, metaVerifyToken },
    meta: { graphUrl: e.META_GRAPH_URL?.replace(/\/+$/, ''), appId: e.META_APP_ID },
    auth: {
      bcryptCost: e.BCRYPT_COST,
      loginAttemptsPerAccount: e.LOGIN_ATTEMPTS_PER_ACCOUNT,
      loginAttemptsPerIp: e.LOGIN_ATTEMPTS_PER_IP,
      signupsPerIpPerHour: e.SIGNUPS_PER_IP_PER_HOUR,
    },
    ai: {
      openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL },
      anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL },
      groq: { apiKey: e.GROQ_API_KEY, baseUrl: e.GROQ_BASE_URL },
      timeoutMs: e.AI_TIMEOUT_MS,
      breaker: { failures: e.AI_BREAKER_FAILURES, cooldownMs: e.AI_BREAKER_COOLDOWN_MS },
      models: aiModels,
      monthlyBudgetCents: e.AI_MONTHLY_BUDGET_CENTS,
    },
    payments: {
      stripeApiUrl: e.STRIPE_API_URL,
      paystackApiUrl: e.PAYSTACK_API_URL.replace(/\/+$/, ''),
      flutterwaveApiUrl: e.FLUTTERWAVE_API_URL.replace(/\/+$/, ''),
      reconcileAfterMs: e.RECONCILE_AFTER_MS,
      reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
      reconcileMaxAgeMs: e.RECONCILE_MAX_AGE_MS,
    },
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM, timeoutMs: e.SMTP_TIMEOUT_MS } : null,
    email: { retryLimit: e.EMAIL_RETRY_LIMIT, retryDelaySeconds: e.EMAIL_RETRY_DELAY_SECONDS },
    http: {
      trustedProxies,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      uploadLimitBytes: e.UPLOAD_LIMIT_BYTES,
      checkReplies: mode !== 'production',
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    runtime: {
      leaseTtlMs: e.LEASE_TTL_MS,
      leaseTickMs: Math.min(e.LEASE_TICK_MS, Math.floor(e.LEASE_TTL_MS / 3)),
      checkoutTtlMs: e.CHECKOUT_TTL_MS ?? (demo ? DEMO_CHECKOUT_TTL_MS : 24 * 60 * 60 * 1000),
      handoffWaitMs: e.HANDOFF_WAIT_MS,
      aiReplyConcurrency: e.AI_REPLY_CONCURRENCY,
    },
    realtime: {
      feedRetentionMs: e.FEED_RETENTION_MS,
      feedKeepMin: e.FEED_KEEP_MIN,
      feedPruneIntervalMs: e.FEED_PRUNE_INTERVAL_MS,
      resyncLimit: e.FEED_RESYNC_LIMIT,
      maxBackpressure: e.SOCKET_MAX_BACKPRESSURE,
      presenceTtlMs: e.PRESENCE_TTL_MS,
    },
    demo,
    demoRate: e.DEMO_RATE,
    client: { distDir: resolve(e.CLIENT_DIST_DIR ?? DEFAULT_CLIENT_DIST_DIR) },
  };
  return deepFreeze(config);
}

/** `id:base64-of-32-bytes`, comma-separated; the first one encrypts. */
export function parseEncryptionKeys(raw: string, problems: string[]): EncryptionKey[] {
  const keys: EncryptionKey[] = [];
  const seen = new Set<string>();
  for (const [index, part] of raw.split(',').entries()) {
    const entry = part.trim();
    if (!entry) continue;
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const key = Buffer.from(colon > 0 ? entry.slice(colon + 1) : '', 'base64');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
      problems.push(
        `ENCRYPTION_KEYS: entry ${index + 1} must be id:base64 of exactly 32 bytes (id: letters, digits, _ or -)`,
      );
      continue;
    }
    if (seen.has(id)) problems.push(`ENCRYPTION_KEYS: key id "${id}" appears twice`);
    seen.add(id);
    keys.push({ id, key });
  }
  if (keys.length === 0 && raw.trim() !== '') return keys;
  if (keys.length === 0) problems.push('ENCRYPTION_KEYS: at least one key is required');
  return keys;
}

/** Comma-separated, each at least as long as JWT_SECRET must be. */
export function parsePreviousSecrets(raw: string | undefined, problems: string[]): string[] {
  if (!raw) return [];
  const secrets = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const [index, s] of secrets.entries()) {
    if (s.length < 32) {
      problems.push(`JWT_PREVIOUS_SECRETS: entry ${index + 1} must be at least 32 characters`);
    }
  }
  return secrets;
}

/** Comma-separated IP addresses or CIDR ranges (IPv4 or IPv6). */
export function parseTrustedProxies(raw: string | undefined, problems: string[]): string[] {
  if (!raw) return [];
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const ok =
      (z.ipv4().safeParse(address).success || z.ipv6().safeParse(address).success) &&
      (prefix === undefined || /^\d{1,3}$/.test(prefix));
    if (!ok) problems.push(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
  }
  return entries;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
