import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_MODELS } from './ai/model-prices';
import { ConfigError, loadConfig } from './config';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const secrets = {
  JWT_SECRET: 'x'.repeat(40),
  ENCRYPTION_KEYS: `a:${key(1)}`,
  META_APP_SECRET: 'app-secret',
  META_VERIFY_TOKEN: 'verify',
};
const noDevSecrets = () => {
  throw new Error('dev secrets must not be touched');
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the embedded single node on port 3000 with the demo on', () => {
    const config = loadConfig({ ...secrets }, { devSecrets: noDevSecrets });
    expect(config.port).toBe(3000);
    expect(config.database.kind).toBe('pglite');
    expect(config.redis).toBeNull();
    expect(config.demo).toBe(true);
    expect(config.http.rateLimitPerMinute).toBe(100);
    expect(config.http.bodyLimitBytes).toBe(2 * 1024 * 1024);
    expect(config.http.uploadLimitBytes).toBe(10 * 1024 * 1024);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('uses PostgreSQL and Redis when their URLs are set, and turns the demo off', () => {
    const config = loadConfig(
      { ...secrets, DATABASE_URL: 'postgres://db/parley', REDIS_URL: 'redis://cache:6379' },
      { devSecrets: noDevSecrets },
    );
    expect(config.database).toMatchObject({ kind: 'postgres', url: 'postgres://db/parley' });
    expect(config.redis).toMatchObject({ url: 'redis://cache:6379' });
    expect(config.demo).toBe(false);
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig(
      { ...secrets, DATABASE_URL: '', PORT: ' ' },
      { devSecrets: noDevSecrets },
    );
    expect(config.database.kind).toBe('pglite');
    expect(config.port).toBe(3000);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(() =>
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        JWT_SECRET: 'short',
        RATE_LIMIT_PER_MINUTE: '0',
      }),
    );
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/JWT_SECRET/);
    expect(problems.join('\n')).toMatch(/RATE_LIMIT_PER_MINUTE/);
    expect(problems).toHaveLength(4);
  });

  it('demands every secret in production and refuses the demo there', () => {
    const problems = problemsOf(() => loadConfig({ NODE_ENV: 'production', DEMO: '1' }));
    for (const name of [
      'JWT_SECRET',
      'ENCRYPTION_KEYS',
      'META_APP_SECRET',
      'META_VERIFY_TOKEN',
      'DEMO',
      'PUBLIC_URL',
    ]) {
      expect(
        problems.some((p) => p.startsWith(name)),
        name,
      ).toBe(true);
    }
    const ok = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://shop.example.com/',
      ...secrets,
    });
    expect(ok.mode).toBe('production');
    expect(ok.demo).toBe(false);
    expect(ok.publicUrl).toBe('https://shop.example.com');
  });

  // Security review L10: customers were sent `http://localhost:3000` invoice and return links.
  it('requires an https:// PUBLIC_URL in production, and only there', () => {
    const production = { NODE_ENV: 'production', ...secrets };
    expect(problemsOf(() => loadConfig(production))).toEqual([
      expect.stringMatching(/^PUBLIC_URL: required when NODE_ENV=production/) as unknown,
    ]);
    expect(
      problemsOf(() => loadConfig({ ...production, PUBLIC_URL: 'http://shop.example.com' })),
    ).toEqual(['PUBLIC_URL: must be an https:// address when NODE_ENV=production']);
    expect(loadConfig({ ...secrets }).publicUrl).toBeUndefined();
  });

  it('generates development secrets once, persists them 0600 and reuses them', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-config-'));
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.secrets.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.secrets).toEqual(first.secrets);
    const file = join(dataDir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).JWT_SECRET).toBe(first.secrets.jwtSecret);
  });

  it('parses the encryption key ring: first encrypts, all decrypt', () => {
    const config = loadConfig(
      { ...secrets, ENCRYPTION_KEYS: `new:${key(2)}, old:${key(3)}` },
      { devSecrets: noDevSecrets },
    );
    expect(config.secrets.encryptionKeys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(config.secrets.encryptionKeys[0]?.key).toEqual(Buffer.alloc(32, 2));

    const problems = problemsOf(() =>
      loadConfig({ ...secrets, ENCRYPTION_KEYS: `a:${key(1)},a:${key(2)},b:c2hvcnQ=` }),
    );
    expect(problems).toHaveLength(2);
  });

  it('validates trusted proxies as addresses or CIDR ranges', () => {
    const config = loadConfig(
      { ...secrets, TRUSTED_PROXIES: '10.0.0.0/8, ::1,172.18.0.2' },
      { devSecrets: noDevSecrets },
    );
    expect(config.http.trustedProxies).toEqual(['10.0.0.0/8', '::1', '172.18.0.2']);
    expect(problemsOf(() => loadConfig({ ...secrets, TRUSTED_PROXIES: 'nginx' }))).toHaveLength(1);
  });

  it('reads the auth settings: bcrypt cost, login limits and previous JWT secrets', () => {
    const defaults = loadConfig({ ...secrets }, { devSecrets: noDevSecrets });
    expect(defaults.auth).toEqual({
      bcryptCost: 12,
      loginAttemptsPerAccount: 10,
      loginAttemptsPerIp: 50,
      signupsPerIpPerHour: 10,
    });
    expect(defaults.secrets.jwtPreviousSecrets).toEqual([]);

    const old = 'o'.repeat(32);
    const config = loadConfig(
      { ...secrets, BCRYPT_COST: '4', JWT_PREVIOUS_SECRETS: ` ${old} ,` },
      { devSecrets: noDevSecrets },
    );
    expect(config.auth.bcryptCost).toBe(4);
    expect(config.secrets.jwtPreviousSecrets).toEqual([old]);

    const problems = problemsOf(() =>
      loadConfig({ ...secrets, BCRYPT_COST: '3', JWT_PREVIOUS_SECRETS: 'short' }),
    );
    expect(problems.join('\n')).toMatch(/BCRYPT_COST/);
    expect(problemsOf(() => loadConfig({ ...secrets, JWT_PREVIOUS_SECRETS: 'short' }))).toEqual([
      'JWT_PREVIOUS_SECRETS: entry 1 must be at least 32 characters',
    ]);
  });

  it('reads the AI timeout and breaker settings with their defaults and bounds', () => {
    const defaults = loadConfig({ ...secrets }, { devSecrets: noDevSecrets }).ai;
    expect(defaults).toMatchObject({
      timeoutMs: 15_000,
      breaker: { failures: 3, cooldownMs: 30_000 },
      openai: { apiKey: undefined },
    });
    const set = loadConfig(
      {
        ...secrets,
        AI_TIMEOUT_MS: '500',
        AI_BREAKER_FAILURES: '5',
        AI_BREAKER_COOLDOWN_MS: '1000',
        OPENAI_API_KEY: 'sk-1',
        OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      },
      { devSecrets: noDevSecrets },
    ).ai;
    expect(set).toMatchObject({
      timeoutMs: 500,
      breaker: { failures: 5, cooldownMs: 1000 },
      openai: { apiKey: 'sk-1', baseUrl: 'http://127.0.0.1:9/v1' },
    });
    const problems = problemsOf(() =>
      loadConfig({ ...secrets, AI_TIMEOUT_MS: '0', AI_BREAKER_FAILURES: 'x' }),
    );
    expect(problems).toHaveLength(2);
  });

  it('offers the built-in models and a $50 operator budget by default', () => {
    const ai = loadConfig({ ...secrets }, { devSecrets: noDevSecrets }).ai;
    expect(ai.models).toEqual(BUILT_IN_MODELS);
    expect(ai.models.openai.map((m) => m.model)).toContain('gpt-4o-mini');
    expect(ai.monthlyBudgetCents).toBe(5000);
    expect(Object.isFrozen(ai.models.openai)).toBe(true);
  });

  it('reads the operator allow-list of models with prices, and the operator budget', () => {
    const ai = loadConfig(
      {
        ...secrets,
        OPENAI_API_KEY: 'sk-1',
        ANTHROPIC_API_KEY: 'sk-ant-1',
        AI_MODELS:
          'openai:gpt-4o-mini:150:600, openai:gpt-4.1:2000:8000,anthropic:claude-haiku-4-5:1000:5000,',
        AI_MONTHLY_BUDGET_CENTS: '0',
      },
      { devSecrets: noDevSecrets },
    ).ai;
    expect(ai.models).toEqual({
      openai: [
        { model: 'gpt-4o-mini', inputPerKTokens: 150, outputPerKTokens: 600 },
        { model: 'gpt-4.1', inputPerKTokens: 2000, outputPerKTokens: 8000 },
      ],
      anthropic: [{ model: 'claude-haiku-4-5', inputPerKTokens: 1000, outputPerKTokens: 5000 }],
      groq: [],
    });
    expect(ai.monthlyBudgetCents).toBe(0);
  });

  it('lists every problem of the allow-list and the budget', () => {
    const problems = problemsOf(() =>
      loadConfig({
        ...secrets,
        GROQ_API_KEY: 'gsk-1',
        AI_MODELS: [
          'openai:gpt-4o-mini:150',
          'mistral:mistral-large:2000:6000',
          'openai:gpt 4o:150:600',
          'anthropic:claude-haiku-4-5:1.5:-5',
          'openai:gpt-4o:2500:99999999999',
          'openai:gpt-4o-mini:150:600',
          'openai:gpt-4o-mini:100:400',
          'openai::150:600',
        ].join(','),
      }),
    );
    expect(problems).toEqual([
      'AI_MODELS: entry 1 ("openai:gpt-4o-mini:150"): must be provider:model:input:output',
      'AI_MODELS: entry 2 ("mistral:mistral-large:2000:6000"): provider "mistral" must be one of openai, anthropic, groq',
      'AI_MODELS: entry 3 ("openai:gpt 4o:150:600"): model "gpt 4o" must be 1–100 letters, digits and . _ : / @ + - (starting with a letter or digit)',
      'AI_MODELS: entry 4 ("anthropic:claude-haiku-4-5:1.5:-5"): input price must be a whole number of micro-USD per 1,000 tokens, 0 to 60000000',
      'AI_MODELS: entry 4 ("anthropic:claude-haiku-4-5:1.5:-5"): output price must be a whole number of micro-USD per 1,000 tokens, 0 to 60000000',
      'AI_MODELS: entry 5 ("openai:gpt-4o:2500:99999999999"): output price must be a whole number of micro-USD per 1,000 tokens, 0 to 60000000',
      'AI_MODELS: entry 7 ("openai:gpt-4o-mini:100:400"): openai model "gpt-4o-mini" is listed twice',
      'AI_MODELS: entry 8 ("openai::150:600"): model "" must be 1–100 letters, digits and . _ : / @ + - (starting with a letter or digit)',
      'AI_MODELS: GROQ_API_KEY is set but no groq model is allowed; list one (groq:model:input:output) or unset the key',
    ]);
    expect(
      problemsOf(() => loadConfig({ ...secrets, AI_MONTHLY_BUDGET_CENTS: '-1' })).join('\n'),
    ).toMatch(/^AI_MONTHLY_BUDGET_CENTS: /);
    expect(
      problemsOf(() => loadConfig({ ...secrets, AI_MONTHLY_BUDGET_CENTS: '12.5' })).join('\n'),
    ).toMatch(/^AI_MONTHLY_BUDGET_CENTS: /);
  });

  it('reads the commerce settings: SMTP for owner emails, reconciliation timing', () => {
    const defaults = loadConfig({ ...secrets }, { devSecrets: noDevSecrets });
    expect(defaults.smtp).toBeNull();
    expect(defaults.payments).toMatchObject({
      reconcileAfterMs: 5 * 60 * 1000,
      reconcileIntervalMs: 60 * 1000,
      reconcileMaxAgeMs: 3 * 24 * 60 * 60 * 1000,
    });
    const config = loadConfig(
      { ...secrets, SMTP_URL: 'smtp://mail.test:587', RECONCILE_AFTER_MS: '1000' },
      { devSecrets: noDevSecrets },
    );
    expect(config.smtp).toEqual({
      url: 'smtp://mail.test:587',
      from: 'Parley <no-reply@parley.local>',
      timeoutMs: 5000,
    });
    expect(config.email).toEqual({ retryLimit: 8, retryDelaySeconds: 10 });
    expect(config.payments.reconcileAfterMs).toBe(1000);
    expect(problemsOf(() => loadConfig({ ...secrets, SMTP_URL: 'http://mail.test' }))).toEqual([
      'SMTP_URL: must be an smtp:// or smtps:// URL',
    ]);
  });
});
