import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseModelAllowList } from './ai/model-allow-list';
import type { ModelAllowList } from './ai/model-prices';
import { loadOrCreateDevSecrets, type DevSecrets } from './dev-secrets';
import { envSchema } from './env.schema';

/**
 * The one reader of `process.env` (docs/style.md rule 5). Everything is parsed once at start-up
 * with
 * `envSchema` (`env.schema.ts`, which also documents every variable); every problem is listed
 * together, so a broken deployment is fixed in one round.
 */

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/**
 * The parsed configuration, grouped by concern. Its type is derived from `shapeConfig`, which
 * reads the env schema's output: fixed defaults live in `env.schema.ts` only; what depends on
 * other variables (the node id, the PGlite folder, the demo's checkout TTL) is derived here, and
 * the schema's `unset` text says so in docs/configuration.md.
 */
export type Config = ReturnType<typeof shapeConfig>;

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

  return deepFreeze(
    shapeConfig(e, {
      mode,
      dataDir,
      demo,
      secrets: { jwtSecret, jwtPreviousSecrets, encryptionKeys, metaAppSecret, metaVerifyToken },
      trustedProxies,
      aiModels,
    }),
  );
}

interface Derived {
  mode: 'development' | 'production';
  dataDir: string;
  demo: boolean;
  secrets: {
    jwtSecret: string;
    /** Verify-only JWT secrets from before a rotation. */
    jwtPreviousSecrets: string[];
    /** The first key encrypts; every key decrypts (rotation). */
    encryptionKeys: EncryptionKey[];
    metaAppSecret: string;
    metaVerifyToken: string;
  };
  trustedProxies: string[];
  aiModels: ModelAllowList;
}

/** The schema's output, grouped by concern; the one place the Config type comes from. */
function shapeConfig(e: z.output<typeof envSchema>, derived: Derived) {
  return {
    mode: derived.mode,
    nodeId: e.NODE_ID ?? `${hostname()}-${process.pid}`,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    dataDir: derived.dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres' as const, url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : {
          kind: 'pglite' as const,
          dataDir: e.PGLITE_DATA_DIR?.startsWith('memory://')
            ? e.PGLITE_DATA_DIR
            : resolve(e.PGLITE_DATA_DIR ?? resolve(derived.dataDir, 'pglite')),
        },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : null,
    secrets: derived.secrets,
    meta: {
      graphUrl: e.META_GRAPH_URL?.replace(/\/+$/, ''),
      /** Unset: data deletion cannot match Messenger IDs and says so on its status page. */
      appId: e.META_APP_ID,
    },
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
      /** The models a business may choose per provider, and the prices calls are metered at. */
      models: derived.aiModels,
      /** Per business and calendar month (UTC), in US cents; a business may only set a lower one. */
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
    /** Owner notifications by email; null when SMTP_URL is not set. */
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM, timeoutMs: e.SMTP_TIMEOUT_MS } : null,
    email: { retryLimit: e.EMAIL_RETRY_LIMIT, retryDelaySeconds: e.EMAIL_RETRY_DELAY_SECONDS },
    http: {
      trustedProxies: derived.trustedProxies,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      uploadLimitBytes: e.UPLOAD_LIMIT_BYTES,
      /** Parse each reply with its contract's schema; a mismatch is a 500 (not production). */
      checkReplies: derived.mode !== 'production',
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    runtime: {
      leaseTtlMs: e.LEASE_TTL_MS,
      leaseTickMs: Math.min(e.LEASE_TICK_MS, Math.floor(e.LEASE_TTL_MS / 3)),
      checkoutTtlMs:
        e.CHECKOUT_TTL_MS ?? (derived.demo ? DEMO_CHECKOUT_TTL_MS : 24 * 60 * 60 * 1000),
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
    demo: derived.demo,
    demoRate: e.DEMO_RATE,
    /** Where the built SPA lives; the node serves it when `index.html` is there. */
    client: { distDir: resolve(e.CLIENT_DIST_DIR ?? DEFAULT_CLIENT_DIST_DIR) },
  };
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
